/** Sample values built from the spec's JSON schemas: every property present, arrays of two, the first enum value. */
import type { ApiSchemas, JsonSchema } from '@bpkit/spec/schemas'

const maxDepth = 6

export function sample(schema: JsonSchema | undefined, api: ApiSchemas, name = 'value', depth = 0): unknown {
  if (!schema) return 'x'
  if (schema.$ref) return sample(api.components.schemas[String(schema.$ref).split('/').pop()!], api, name, depth)
  if ('const' in schema) return schema.const
  if (schema.enum) return schema.enum[0]
  const variants = schema.anyOf ?? schema.oneOf
  if (variants) return sample(variants.find((v: JsonSchema) => v.type !== 'null') ?? variants[0], api, name, depth)
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s: JsonSchema) => sample(s, api, name, depth)))
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'string':
      return schema.format === 'date-time' ? '2024-01-02T03:04:05.000Z' : `${name} 1/é`
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return true
    case 'array':
      return depth >= maxDepth ? [] : [sample(schema.items, api, name, depth + 1), sample(schema.items, api, name, depth + 1)]
    default: {
      const value: Record<string, unknown> = {}
      if (depth >= maxDepth) return value
      for (const [key, prop] of Object.entries<JsonSchema>(schema.properties ?? {})) value[key] = sample(prop, api, key, depth + 1)
      if (!schema.properties && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        value['some key'] = sample(schema.additionalProperties, api, 'some key', depth + 1)
      }
      return value
    }
  }
}

/** The query entries an input value stands for: objects as dotted keys, arrays as repeated keys. */
export function queryEntries(key: string, value: unknown): [string, string][] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.flatMap((item) => queryEntries(key, item))
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => queryEntries(`${key}.${k}`, v))
  return [[key, String(value)]]
}
