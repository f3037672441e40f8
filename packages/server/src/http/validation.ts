import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import type { JsonSchema } from '@bpkit/spec/schemas'

// ajv-formats ships CJS with a default export; under ESM interop it can arrive wrapped once more.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv

export const COMPONENTS_ID = 'bpkit-components'

/** Points the spec's `#/components/schemas/X` references at the shared components document. */
export function rewriteRefs<T>(schema: T): T {
  return JSON.parse(
    JSON.stringify(schema).replace(/"#\/components\/schemas\/([^"]+)"/g, `"${COMPONENTS_ID}#/definitions/$1"`),
  ) as T
}

export function componentsDocument(components: Record<string, JsonSchema>): JsonSchema {
  return { $id: COMPONENTS_ID, definitions: rewriteRefs(components) }
}

function makeAjv(components: JsonSchema, coerce: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    // Unknown fields are an error (the schemas say additionalProperties: false), never silently dropped.
    removeAdditional: false,
    useDefaults: false,
    // Query strings and path parameters arrive as text; bodies must already have the right JSON types.
    coerceTypes: coerce ? 'array' : false,
  })
  addFormats(ajv)
  ajv.addSchema(components)
  return ajv
}

/** Fastify validator compiler: bodies are checked strictly, other request parts with type coercion. */
export function createValidatorCompiler(components: JsonSchema): FastifySchemaCompiler<JsonSchema> {
  const strict = makeAjv(components, false)
  const coercing = makeAjv(components, true)
  return ({ schema, httpPart }) => {
    const validate: ValidateFunction = (httpPart === 'body' ? strict : coercing).compile(schema)
    return (data: unknown) => {
      if (!validate(data)) return { error: validationError(httpPart, validate.errors ?? []) }
      const nul = pathOfNulCharacter(data)
      if (!nul) return { value: data }
      const field = nul.length ? `"${nul.join('.')}"` : 'value'
      return { error: new RequestValidationError(`Invalid ${partName(httpPart)}: ${field} must not contain the NUL character (\\u0000)`) }
    }
  }
}

/**
 * Where the first string (or key) holding U+0000 is, if any. PostgreSQL text cannot store that character
 * (nor jsonb read it back), so both stores refuse it up front rather than fail deep in a query.
 */
export function pathOfNulCharacter(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : undefined
  if (value && typeof value === 'object') {
    for (const key in value) {
      if (key.includes('\u0000')) return [key]
      const inner = pathOfNulCharacter((value as Record<string, unknown>)[key])
      if (inner) return [key, ...inner]
    }
  }
  return undefined
}

const partNames: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' }
const partName = (httpPart: string | undefined) => partNames[httpPart ?? 'body'] ?? httpPart ?? 'request'

/** Says which field is wrong and why, e.g. `Invalid body: "tags.owner" must be string`. */
export function describeValidationError(httpPart: string | undefined, error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).map(decodePointer)
  const where = partName(httpPart)
  const field = (parts: string[]) => `"${parts.join('.')}"`
  switch (error.keyword) {
    case 'additionalProperties':
      return `Invalid ${where}: unknown field ${field([...path, String(error.params.additionalProperty)])}`
    case 'required':
      return `Invalid ${where}: missing required field ${field([...path, String(error.params.missingProperty)])}`
    case 'enum':
      return `Invalid ${where}: ${path.length ? field(path) : 'value'} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return `Invalid ${where}: ${path.length ? field(path) : 'value'} ${error.message ?? 'is invalid'}`
  }
}

const decodePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~')

export class RequestValidationError extends Error {
  readonly validation = true
}

function validationError(httpPart: string | undefined, errors: ErrorObject[]): Error {
  return new RequestValidationError(errors.length ? describeValidationError(httpPart, errors[0]) : `Invalid ${httpPart}`)
}
