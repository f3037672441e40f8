/**
 * Requests for every operation of the contract: valid ones built from its JSON schemas, then (most of the
 * time) one mutation of them. A request is plain data, so fast-check can shrink it and print it as `curl`.
 */
import fc from 'fast-check'
import qs from 'qs'
import { publicOperations } from '@bpkit/spec'
import { apiSchemas, type JsonSchema } from '@bpkit/spec/schemas'
import { valueOf, type FieldHints, type SchemaContext } from './schema-arbitrary.js'
import { mutation, applyMutation, type Mutation } from './mutations.js'
import type { Principal, World } from './world.js'

export type Operation = {
  name: string
  method: string
  path: string
  schemas: { path?: JsonSchema; query?: JsonSchema; headers?: JsonSchema; body?: JsonSchema }
}

export const operations: Operation[] = Object.entries(publicOperations).map(([name, definition]) => {
  const s = apiSchemas.public.operations[name]!
  return { name, method: definition.method.toUpperCase(), path: definition.path, schemas: { path: s.path, query: s.query, headers: s.headers, body: s.body } }
})

/**
 * Operations that, aimed at the principal's own records, would tear the world down for the rest of the run
 * or publish what the stranger must otherwise never see (a public integration or workspace). They are only
 * ever aimed at what the principal does not own: as attacks.
 */
const DESTRUCTIVE = new Set(['updateIntegration', 'updateWorkspace', 'deleteAccount', 'deleteWorkspace', 'deleteBot', 'transferBot', 'deleteWorkspaceMember', 'updateWorkspaceMember', 'deletePersonalAccessToken', 'deleteBotApiKey', 'deleteIntegrationApiKey', 'deleteIntegration', 'updateBotAllowlist'])
/** And this a personal token may not call at all: it would delete the account the run acts as. */
const NEVER_WITH_A_PERSONAL_TOKEN = new Set(['deleteAccount'])

const PREFIX_OF_SEGMENT: Record<string, string> = {
  conversations: 'conv', events: 'evt', scheduled: 'evt', messages: 'msg', users: 'user', tasks: 'task', workflows: 'wfl', files: 'file',
  'knowledge-bases': 'kb', bots: 'bot', workspaces: 'wkspace', integrations: 'intg', interfaces: 'intf', plugins: 'plug', usages: 'bot',
}

/** The id prefix an operation's `{id}` takes, guessed from the path segment before it (`/v1/chat/events/{id}` → evt). */
function idPrefixOf(path: string): string | undefined {
  const segments = path.split('/')
  const at = segments.indexOf('{id}')
  return at > 0 ? PREFIX_OF_SEGMENT[segments[at - 1]!] : undefined
}

/** The structured parts of a request before serialization. */
export type RequestParts = {
  operation: string
  principal: Principal['name']
  method: string
  path: Record<string, unknown>
  query: Record<string, unknown>
  headers: Record<string, string>
  body?: Record<string, unknown> | unknown
}

/** What goes on the wire: what `send` does and what `toCurl` prints. */
export type WireRequest = {
  operation: string
  principal: Principal['name']
  mutation: string
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

const partArbitrary = (schema: JsonSchema | undefined, ctx: SchemaContext) => (schema ? (valueOf(schema, ctx) as fc.Arbitrary<Record<string, unknown>>) : fc.constant({}))

function partsArbitrary(op: Operation, principal: Principal, world: World): fc.Arbitrary<RequestParts> {
  const hints: FieldHints = {}
  const destructive = DESTRUCTIVE.has(op.name)
  for (const [field, pool] of Object.entries(world.pools)) {
    const own = principal.pools?.[field] ?? []
    // Destructive operations only ever aim at what the principal does not own: they are attacks.
    const others = destructive ? pool.filter((value) => !own.includes(value) && !principal.owns.includes(value)) : pool
    if (!others.length) continue
    hints[field] = own.length && !destructive ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...others) }) : fc.constantFrom(...others)
  }
  hints.nextToken = fc.constant(undefined)
  const prefix = idPrefixOf(op.path)
  const candidates = destructive ? (world.pools.id ?? []).filter((id) => !principal.owns.includes(id)) : [...(principal.pools?.id ?? []), ...(principal.pools?.id ?? []), ...(world.pools.id ?? [])]
  const typed = prefix && hints.id ? candidates.filter((id) => id.startsWith(`${prefix}_`)) : []
  if (typed.length) hints.id = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...typed) }, { weight: 1, arbitrary: hints.id! })
  const ctx: SchemaContext = { components: apiSchemas.public.components.schemas, hints }
  return fc.record({
    path: partArbitrary(op.schemas.path, ctx),
    query: partArbitrary(op.schemas.query, ctx),
    opHeaders: partArbitrary(op.schemas.headers, ctx),
    // The principal's own scope most of the time; the others are attacks.
    scope: fc.oneof({ weight: 2 * principal.headerSets.length, arbitrary: fc.constant(principal.headerSets[0]!) }, fc.constantFrom(...principal.headerSets)),
    body: op.schemas.body ? valueOf(op.schemas.body, ctx) : fc.constant(undefined),
  }).map(({ path, query, opHeaders, scope, body }) => ({
    operation: op.name,
    principal: principal.name,
    method: op.method,
    path,
    query,
    headers: { ...scope, ...Object.fromEntries(Object.entries(opHeaders).map(([k, v]) => [k, text(v)])) },
    body,
  }))
}

/** Any value as text, even an object whose `toString` was replaced by data. */
const text = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))

/** Percent-encodes any string, even one with a lone surrogate (sent as its UTF-8 replacement bytes). */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  }
}

export function wireOf(parts: RequestParts, principal: Principal, baseUrl: string, mutationName = 'none'): WireRequest {
  const op = operations.find((o) => o.name === parts.operation)!
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeSegment(text(parts.path[name] ?? '')))
  const query = qs.stringify(parts.query, { allowDots: true, arrayFormat: 'repeat', encoder: (value: unknown) => encodeSegment(text(value)) })
  const headers: Record<string, string> = { ...parts.headers }
  if (principal.token) headers.authorization = `Bearer ${principal.token}`
  let body: string | undefined
  if (parts.body !== undefined && op.method !== 'GET' && op.method !== 'HEAD') {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(parts.body)
  }
  return { operation: op.name, principal: principal.name, mutation: mutationName, method: op.method, url: `${baseUrl}${path}${query ? `?${query}` : ''}`, headers, body }
}

/** The owner's personal token drives most requests, so that mutations reach the handlers behind the checks. */
const PRINCIPAL_WEIGHTS: Record<Principal['name'], number> = { pat: 4, bak: 2, iak: 2, none: 1, foreign: 2 }

/** A request of any operation by any principal: valid about one time in four, else mutated once. */
export function requestArbitrary(world: World, baseUrl: string): fc.Arbitrary<WireRequest> {
  return fc
    .record({ op: fc.constantFrom(...operations), principal: fc.oneof(...world.principals.map((p) => ({ weight: PRINCIPAL_WEIGHTS[p.name], arbitrary: fc.constant(p) }))) })
    .filter(({ op, principal }) => !((principal.name === 'pat' || principal.name === 'foreign') && NEVER_WITH_A_PERSONAL_TOKEN.has(op.name)))
    .chain(({ op, principal }) =>
      fc.tuple(partsArbitrary(op, principal, world), fc.option(mutation, { freq: 3, nil: undefined })).map(([parts, m]: [RequestParts, Mutation | undefined]) =>
        m ? applyMutation(wireOf(parts, principal, baseUrl, m.name), parts, principal, baseUrl, m) : wireOf(parts, principal, baseUrl),
      ),
    )
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
const shorten = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}…(${s.length} characters)` : s)

/** The request as a `curl` command line (very long values are cut, and say so). */
export function toCurl(request: WireRequest): string {
  const parts = ['curl', '-i', '-X', request.method, shellQuote(shorten(request.url))]
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', shellQuote(`${name}: ${shorten(value)}`))
  if (request.body !== undefined) parts.push('--data-binary', shellQuote(shorten(request.body)))
  return parts.join(' ')
}
