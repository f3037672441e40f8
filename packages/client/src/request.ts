import type { Route } from './table.js'

type Input = Record<string, unknown>

const encode = encodeURIComponent

/** Objects become dotted keys (`tags.foo=bar`), arrays repeat the key, `undefined` and `null` are left out. */
function appendQuery(parts: string[], key: string, value: unknown): void {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) for (const item of value) appendQuery(parts, key, item)
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) appendQuery(parts, `${key}.${k}`, v)
  else parts.push(`${encode(key)}=${encode(String(value))}`)
}

/** The path with its parameters URL-encoded, and the query string of the operation's query fields. */
export function requestUrl(apiUrl: string, def: Route, input: Input): string {
  let url = apiUrl + def.path.replace(/\{([^}]+)\}/g, (_, name: string) => encode(String(input[name])))
  if (def.query) {
    const parts: string[] = []
    for (const key of def.query) appendQuery(parts, key, input[key])
    if (parts.length) url += `?${parts.join('&')}`
  }
  return url
}

/** The JSON body made of the operation's body fields only: unknown keys are not sent, as in the official client. */
export function requestBody(def: Route, input: Input): string | undefined {
  if (!def.body) return undefined
  const body: Input = {}
  for (const key of def.body) if (input[key] !== undefined) body[key] = input[key]
  return JSON.stringify(body)
}

/** Input fields the operation sends as headers (the table lists them by header name). */
export function operationHeaders(def: Route, input: Input, into: Record<string, string>): void {
  if (def.headers) for (const name of def.headers) if (input[name] !== undefined) into[name] = String(input[name])
}
