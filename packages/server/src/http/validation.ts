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

/** Limits every request part is checked against after its schema. */
export type InputLimits = {
  /** Most keys a `tags` object of a body or query may have. */
  maxTags: number
}

export const defaultInputLimits: InputLimits = { maxTags: 200 }

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
  ajv.addSchema(boundNumbers(components))
  return ajv
}

/** Fastify validator compiler: bodies are checked strictly, other request parts with type coercion. */
export function createValidatorCompiler(components: JsonSchema, limits: InputLimits = defaultInputLimits): FastifySchemaCompiler<JsonSchema> {
  const strict = makeAjv(components, false)
  const coercing = makeAjv(components, true)
  return ({ schema, httpPart }) => {
    const validate: ValidateFunction = (httpPart === 'body' ? strict : coercing).compile(boundNumbers(schema))
    return (data: unknown) => {
      if (!validate(data)) return { error: validationError(httpPart, validate.errors ?? []) }
      const problem = unstorableValue(data) ?? tooManyTags(data, limits.maxTags)
      if (!problem) return { value: data }
      const field = problem.path.length ? `"${problem.path.join('.')}"` : 'value'
      return { error: new RequestValidationError(`Invalid ${partName(httpPart)}: ${field} ${problem.reason}`) }
    }
  }
}

/**
 * The largest magnitude a number field of the contract may have when its schema sets no bound: the largest
 * integer a JavaScript number, SQLite's INTEGER and PostgreSQL's bigint all hold exactly.
 */
export const MAX_NUMBER = Number.MAX_SAFE_INTEGER

/**
 * A copy of `schema` where every `number` or `integer` without a `maximum` (or `minimum`) gets ±MAX_NUMBER,
 * so an offset of 1e300 is a 400 naming the field instead of an overflow deep in a query or a date.
 */
export function boundNumbers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(boundNumbers) as T
  if (!schema || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'example' ? value : boundNumbers(value)
  const types = Array.isArray(out.type) ? out.type : [out.type]
  if (types.includes('number') || types.includes('integer')) {
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = MAX_NUMBER
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = -MAX_NUMBER
  }
  return out as T
}

type Problem = { path: string[]; reason: string }

const NUL_REASON = 'must not contain the NUL character (\\u0000)'

/**
 * The first value no store can hold, if any: a string (or key) with U+0000, which PostgreSQL text cannot
 * store (nor jsonb read back), or a number that is not finite (`1e999` parses as Infinity, which JSON
 * cannot even write back). Both stores refuse them up front rather than fail deep in a query.
 */
export function unstorableValue(value: unknown): Problem | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { path: [], reason: NUL_REASON } : undefined
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path: [], reason: 'must be a finite number' }
  if (value && typeof value === 'object') {
    for (const key in value) {
      if (key.includes('\u0000')) return { path: [key], reason: NUL_REASON }
      const inner = unstorableValue((value as Record<string, unknown>)[key])
      if (inner) return { path: [key, ...inner.path], reason: inner.reason }
    }
  }
  return undefined
}

/** `tags` of a body or query with more keys than the configured limit. */
function tooManyTags(data: unknown, maxTags: number): Problem | undefined {
  if (!data || typeof data !== 'object' || !Object.hasOwn(data, 'tags')) return undefined
  const tags = (data as { tags: unknown }).tags
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return undefined
  const count = Object.keys(tags).length
  return count > maxTags ? { path: ['tags'], reason: `must NOT have more than ${maxTags} tags (it has ${count}; the limit is BPKIT_MAX_TAGS)` } : undefined
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
