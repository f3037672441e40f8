/**
 * The smallest request each operation's schemas accept (required fields only), for the role walk: it must
 * get past validation so that what answers is the role check, or the handler behind it.
 */
import { publicOperations, type PublicOperationName } from '@bpkit/spec'
import { apiSchemas } from '@bpkit/spec/schemas'

type Schema = {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  format?: string
  pattern?: string
  minLength?: number
  minimum?: number
  minItems?: number
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  nullable?: boolean
}

const components = apiSchemas.public.components.schemas as Record<string, Schema>
const SAMPLE_STRINGS = ['abc', 'abc-1', 'a1b2c3d4e5']

function sampleString(schema: Schema): string {
  if (schema.format === 'email') return 'walker@example.com'
  if (schema.format === 'date-time') return new Date().toISOString()
  if (schema.format === 'date') return '2024-01-01'
  if (schema.format === 'uri') return 'https://example.com'
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000'
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined
  const fits = SAMPLE_STRINGS.find((s) => (!pattern || pattern.test(s)) && s.length >= (schema.minLength ?? 0))
  return fits ?? 'x'.repeat(Math.max(schema.minLength ?? 1, 1))
}

/** A value the schema accepts. */
export function sample(schema: Schema): unknown {
  if (schema.$ref) return sample(components[schema.$ref.split('/').pop()!]!)
  if (schema.enum) return schema.enum[0]
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return sample(alternatives[0]!)
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s) as object))
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'string':
      return sampleString(schema)
    case 'number':
    case 'integer':
      return Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return false
    case 'array':
      return schema.minItems ? Array.from({ length: schema.minItems }, () => sample(schema.items ?? {})) : []
    case 'object':
    case undefined: {
      if (!schema.properties) return {}
      return Object.fromEntries((schema.required ?? []).map((key) => [key, sample(schema.properties![key] ?? {})]))
    }
    default:
      return null
  }
}

export type WalkRequest = { method: string; path: string; body?: string; headers: Record<string, string> }

/** The request for `operation`: path parameters (the walk's workspace for `/v1/admin/workspaces/{id}`), required query, headers and body. */
export function minimalRequest(operation: PublicOperationName, ids: { workspaceId: string; botId: string }): WalkRequest {
  const definition = publicOperations[operation]
  const schemas = apiSchemas.public.operations[operation] as Record<string, Schema | undefined>
  const params = (schemas.path ? sample(schemas.path) : {}) as Record<string, unknown>
  const onWorkspace = definition.path.startsWith('/v1/admin/workspaces/{id}')
  const path = definition.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(onWorkspace && name === 'id' ? ids.workspaceId : String(params[name])))
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries((schemas.query ? sample(schemas.query) : {}) as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item))
  }
  const headers: Record<string, string> = { 'x-workspace-id': ids.workspaceId, 'x-bot-id': ids.botId }
  const body = 'body' in definition ? JSON.stringify(schemas.body ? sample(schemas.body) : {}) : undefined
  if (body !== undefined) headers['content-type'] = 'application/json'
  const search = query.toString()
  return { method: definition.method.toUpperCase(), path: search ? `${path}?${search}` : path, body, headers }
}
