/**
 * Ways to spoil a valid request: in its structure (a field of the wrong type, missing, unknown, huge, deep,
 * odd Unicode, NUL, a prototype key, a numeric edge) or on the wire (malformed JSON, a wrong content type,
 * oversized headers and paths, odd credentials).
 */
import fc from 'fast-check'
import type { Principal } from './world.js'
import { wireOf, type RequestParts, type WireRequest } from './requests.js'

/** A value written into the JSON text as is: numbers JSON.stringify cannot produce (1e999 reads as Infinity). */
const RAW = '\u0001raw:'
const raw = (text: string) => `${RAW}${text}\u0001`
const unraw = (text: string, quoted: boolean) => text.replace(quoted ? /"\\u0001raw:([^"\\]*)\\u0001"/g : new RegExp(`${RAW}([^\u0001]*)\u0001`, 'g'), '$1')

const deep = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']

export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  // wrong types
  fc.constantFrom<unknown>(null, true, false, 0, '', [], {}, 'x', [1, 'a'], { nested: { x: 1 } }),
  fc.jsonValue({ maxDepth: 2 }),
  // numeric edges
  fc.constantFrom<unknown>(-1, -0.5, 0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 1e308, -1e308, 5e-324, raw('1e999'), raw('-1e999'), raw('1e-400'), raw('123456789012345678901234567890')),
  // huge and deep
  fc.constantFrom(10_000, 100_000, 1_000_000).map((n) => 'x'.repeat(n)),
  fc.constantFrom(20, 60).map((n) => deep(n)),
  // nesting past what a recursive walker survives, written straight into the JSON text
  fc.constantFrom(1_000, 20_000, 100_000).map((n) => raw(`${'['.repeat(n)}${']'.repeat(n)}`)),
  fc.constantFrom(1_000, 10_000).map((n) => Array.from({ length: n }, (_, i) => `v${i}`)),
  fc.constantFrom(300, 3_000).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]))),
  // odd Unicode and NUL
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\u202e\u200b\ufeff', '\uffff', '🧨'.repeat(50), 'e\u0301\u0301\u0301', '\u0085\u2028\u2029', '%00', '../../etc/passwd', "'; drop table users; --", '$where', '{"$gt":""}'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // prototype keys, as values and as objects
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.constantFrom(...PROTOTYPE_KEYS).map((key) => JSON.parse(`{"${key}": {"polluted": true}}`) as unknown),
)

const weirdKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, '', ' ', '\u0000', 'a.b', '$and', 'x'.repeat(5000), '🧨', 'tags.x'), fc.string({ maxLength: 20 }))

export type Mutation =
  | { name: 'replace'; part: 'body' | 'query' | 'path'; at: number; value: unknown }
  | { name: 'delete'; part: 'body' | 'query' | 'path'; at: number }
  | { name: 'add'; part: 'body' | 'query'; at: number; key: string; value: unknown }
  | { name: 'malformed-json'; cut: number; garbage: string }
  | { name: 'content-type'; value: string }
  | { name: 'oversized-header'; size: number }
  | { name: 'oversized-path'; size: number }
  | { name: 'credentials'; authorization: string | undefined; scope: Record<string, string> }

const part = fc.constantFrom<'body' | 'query' | 'path'>('body', 'body', 'query', 'path')

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ name: fc.constant('replace' as const), part, at: fc.nat(), value: weirdValue }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constant('delete' as const), part, at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constant('add' as const), part: fc.constantFrom<'body' | 'query'>('body', 'query'), at: fc.nat(), key: weirdKey, value: weirdValue }) },
  { weight: 1, arbitrary: fc.record({ name: fc.constant('malformed-json' as const), cut: fc.nat(), garbage: fc.constantFrom('', '}', ',', '{"a":', '\u0000', 'undefined', '\ud800', ']]]]') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      name: fc.constant('content-type' as const),
      value: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/vnd.api+json', '', '*/*', 'application/json\u0000'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ name: fc.constant('oversized-header' as const), size: fc.constantFrom(8_000, 17_000, 70_000) }) },
  { weight: 1, arbitrary: fc.record({ name: fc.constant('oversized-path' as const), size: fc.constantFrom(101, 1_000, 17_000) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      name: fc.constant('credentials' as const),
      authorization: fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${'a'.repeat(5000)}`, 'Bearer bp_pat_00000000000000000000000000000000', 'bearer  x'),
      scope: fc.constantFrom<Record<string, string>>({}, { 'x-bot-id': 'bot_00000000000000000000000000' }, { 'x-bot-id': '' }, { 'x-workspace-id': 'constructor' }, { 'x-bot-id': '__proto__', 'x-workspace-id': '__proto__' }, { 'x-integration-id': 'x' }, { 'x-user-id': 'u' }, { 'x-bot-id': 'b\u00f8t' }, { 'x-workspace-id': '\u00ff\u00fe\u0001' }, { 'x-bot-id': '\u{1f9e8}' }),
    }),
  },
)

type Container = Record<string, unknown> | unknown[]
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null

/** Every place inside `root` (as key paths), root first. */
function places(root: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], limit = 200): (string | number)[][] {
  out.push(prefix)
  if (isContainer(root) && out.length < limit) {
    for (const [key, value] of Object.entries(root)) places(value, [...prefix, Array.isArray(root) ? Number(key) : key], out, limit)
  }
  return out
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

function replaceAt(root: unknown, at: (string | number)[], value: unknown): unknown {
  if (!at.length) return value
  let node = root as Record<string | number, unknown>
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  Object.defineProperty(node, at[at.length - 1]!, { value, enumerable: true, writable: true, configurable: true })
  return root
}

function deleteAt(root: unknown, at: (string | number)[]): unknown {
  if (!at.length) return undefined
  let node = root as Record<string | number, unknown>
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  if (Array.isArray(node)) node.splice(Number(at[at.length - 1]), 1)
  else delete node[at[at.length - 1]!]
  return root
}

function structural(parts: RequestParts, m: Extract<Mutation, { part: unknown }>): RequestParts {
  const next = { ...parts, path: clone(parts.path), query: clone(parts.query), body: clone(parts.body) }
  const root = m.part === 'body' ? (next.body ?? {}) : next[m.part]
  const all = places(root)
  const at = all[m.at % all.length]!
  let changed: unknown
  if (m.name === 'replace') changed = m.part === 'path' ? replaceAt(root, at.length ? at : [Object.keys(root as object)[0] ?? 'id'], m.value) : replaceAt(root, at, m.value)
  else if (m.name === 'delete') changed = deleteAt(root, at.length ? at : [Object.keys((root as object) ?? {})[0] ?? 'x'])
  else {
    const containers = all.filter((p) => isContainer(p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], root)))
    const target = containers[m.at % Math.max(containers.length, 1)] ?? []
    const node = target.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], root)
    if (Array.isArray(node)) node.push(m.value)
    else if (isContainer(node)) Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true })
    changed = root
  }
  if (m.part === 'body') next.body = changed
  else next[m.part] = (isContainer(changed) ? changed : {}) as Record<string, unknown>
  return next
}

/** The request with the mutation applied. */
export function applyMutation(wire: WireRequest, parts: RequestParts, principal: Principal, baseUrl: string, m: Mutation): WireRequest {
  switch (m.name) {
    case 'replace':
    case 'delete':
    case 'add': {
      const mutated = wireOf(structural(parts, m), principal, baseUrl, `${m.name} in ${m.part}`)
      return { ...mutated, url: unraw(mutated.url.replace(/%01raw%3A([^%]*)%01/gi, '$1'), false), body: mutated.body === undefined ? undefined : unraw(mutated.body, true) }
    }
    case 'malformed-json': {
      const body = wire.body ?? '{}'
      return { ...wire, headers: { ...wire.headers, 'content-type': 'application/json' }, method: wire.method === 'GET' ? 'POST' : wire.method, body: body.slice(0, m.cut % Math.max(body.length, 1)) + m.garbage }
    }
    case 'content-type':
      return wire.body === undefined ? wire : { ...wire, headers: { ...wire.headers, 'content-type': m.value } }
    case 'oversized-header':
      return { ...wire, headers: { ...wire.headers, 'x-fuzz-padding': 'p'.repeat(m.size) } }
    case 'oversized-path': {
      const url = new URL(wire.url)
      const segments = url.pathname.split('/')
      segments[segments.length - 1] = 's'.repeat(m.size)
      url.pathname = segments.join('/')
      return { ...wire, url: url.toString() }
    }
    case 'credentials': {
      const headers: Record<string, string> = { ...wire.headers, ...m.scope }
      if (m.authorization === undefined) delete headers.authorization
      else headers.authorization = m.authorization
      return { ...wire, headers }
    }
  }
}
