import { Ajv } from 'ajv'
import { ApiError } from '../errors.js'

const ajv = new Ajv({ strict: false, validateSchema: false })

type Entry = Record<string, any>

/** Every JSON schema a definition carries, with the field path that names it in errors. */
function* schemasOf(definition: Entry): Generator<[string, unknown]> {
  const each = function* (field: string, get: (entry: Entry) => [string, unknown][]) {
    for (const [key, entry] of Object.entries((definition[field] ?? {}) as Record<string, Entry | null>)) {
      if (entry) for (const [suffix, schema] of get(entry)) yield [`${field}.${key}${suffix}`, schema] as [string, unknown]
    }
  }
  if (definition.configuration?.schema !== undefined) yield ['configuration.schema', definition.configuration.schema]
  yield* each('configurations', (c) => [['.schema', c.schema]])
  for (const field of ['states', 'events', 'entities']) yield* each(field, (e) => [['.schema', e.schema]])
  yield* each('actions', (a) => [
    ['.input.schema', a.input?.schema],
    ['.output.schema', a.output?.schema],
  ])
  yield* each('channels', (c) =>
    Object.entries((c.messages ?? {}) as Record<string, Entry | null>).flatMap(([name, m]) =>
      m ? [[`.messages.${name}.schema`, m.schema] as [string, unknown]] : [],
    ),
  )
}

/** Refuses a definition whose schemas are not valid JSON schemas (InvalidJsonSchema, naming the field). */
export function checkSchemas(definition: object): void {
  for (const [path, schema] of schemasOf(definition as Entry)) {
    if (schema === undefined) continue
    if (!ajv.validateSchema(schema as object)) {
      throw new ApiError('InvalidJsonSchema', `"${path}" is not a valid JSON schema: ${ajv.errorsText(ajv.errors)}`)
    }
  }
}
