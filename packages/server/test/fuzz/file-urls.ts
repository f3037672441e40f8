/**
 * The file URLs the API hands out, fuzzed: the `uploadUrl` of upsertFile (PUT of the bytes), the signed `url` of
 * getFile and the permanent URL of a `public_content` file (GET, HEAD). A request is plain data (which file, which
 * URL, one mutation) so fast-check can shrink it; the URL is asked of the API as the request runs, so an upload
 * URL is always fresh. Mutations: wrong methods; dropped, emptied, altered, huge, odd or repeated signature,
 * version and expiry; a URL the server signed whose time is up; another file's id or odd paths; wrong content
 * types; bodies shorter or longer than declared, past the size limit, or a Content-Length that lies.
 * Invariants: those of every answer (errorViolations); a URL that was tampered with never answers 2xx; the URL
 * as handed out answers 200 with the bytes uploaded.
 */
import fc from 'fast-check'
import type { TestServer } from '@bpkit/server'
import { Client } from '@bpkit/client'
import { sign, signingKey } from '../../src/files/signing.js'
import { encodeSegment, type WireRequest } from './requests.js'

export type UrlKind = 'upload' | 'download' | 'public'

export type UrlMutation =
  | { name: 'none' }
  | { name: 'method'; method: string }
  | { name: 'param'; param: 'signature' | 'version' | 'expires'; how: 'drop' | 'empty' | 'flip' | 'twice' | 'value'; value: string }
  | { name: 'expired'; secondsAgo: number }
  | { name: 'other-file' }
  | { name: 'path'; id: string }
  | { name: 'content-type'; value: string }
  | { name: 'body'; how: 'short' | 'long' | 'empty' | 'past-limit' | 'lying-length' }
  | { name: 'range'; value: string }

export type UrlRequest = { kind: UrlKind; file: number; mutation: UrlMutation }

/** Bytes of every file of the URL world: small, so a body past the size limit stays cheap to send. */
export const FILE_SIZE = 16
const CONTENT = (i: number) => `fuzz file ${String(i).padStart(5, '0')}!`.slice(0, FILE_SIZE)
const FILES = 6

const odd = fc.constantFrom('', ' ', '\u0000', '%00', '..', '../../etc/passwd', '%2e%2e%2f', 'x'.repeat(5_000), '🧨', '\ud800', '%C0%AE', 'a/b', 'file_', '?', '#', '$', '{"$gt":""}', '1e999', '-1', '0', '9007199254740993')
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND')

export const urlMutation: fc.Arbitrary<UrlMutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ name: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constant('method' as const), method }) },
  {
    weight: 5,
    arbitrary: fc.record({
      name: fc.constant('param' as const),
      param: fc.constantFrom<'signature' | 'version' | 'expires'>('signature', 'signature', 'version', 'expires'),
      how: fc.constantFrom<'drop' | 'empty' | 'flip' | 'twice' | 'value'>('drop', 'empty', 'flip', 'twice', 'value'),
      value: odd,
    }),
  },
  { weight: 1, arbitrary: fc.record({ name: fc.constant('expired' as const), secondsAgo: fc.constantFrom(1, 3_600, 10 ** 9) }) },
  { weight: 1, arbitrary: fc.constant({ name: 'other-file' as const }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constant('path' as const), id: odd }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constant('content-type' as const), value: fc.constantFrom('application/json', 'image/png', 'text/plain; charset=utf-8', 'application/octet-stream', 'multipart/form-data; boundary=x', '', ';;;', 'text/\u00ff', 'x'.repeat(3_000)) }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constant('body' as const), how: fc.constantFrom<'short' | 'long' | 'empty' | 'past-limit' | 'lying-length'>('short', 'long', 'empty', 'past-limit', 'lying-length') }) },
  { weight: 1, arbitrary: fc.record({ name: fc.constant('range' as const), value: fc.constantFrom('bytes=0-3', 'bytes=-4', 'bytes=4-', 'bytes=99-', 'bytes=5-2', 'bytes=0-1,3-4', 'items=0-1', 'bytes=-0', `bytes=0-${'9'.repeat(400)}`, 'bytes=\u0000') }) },
)

export const urlRequestArbitrary: fc.Arbitrary<UrlRequest> = fc.record({
  kind: fc.constantFrom<UrlKind>('upload', 'upload', 'download', 'download', 'public'),
  file: fc.nat({ max: FILES - 1 }),
  mutation: urlMutation,
})

/** Whether the mutation leaves a request the server may accept (a 2xx is then no violation). */
function mayPass(request: UrlRequest): boolean {
  const m = request.mutation
  if (m.name === 'none' || m.name === 'range') return true
  if (m.name === 'method') return (request.kind === 'upload' ? ['PUT'] : ['GET', 'HEAD']).includes(m.method)
  if (m.name === 'content-type') return request.kind !== 'upload' || /^(text\/plain|application\/octet-stream)(;|$)/.test(m.value) || m.value === ''
  if (m.name === 'body') return request.kind !== 'upload'
  // The public URL carries no signature: its query is ignored.
  if (m.name === 'param' || m.name === 'expired') return request.kind === 'public'
  return false
}

export type UrlWorld = {
  /** The URL to attack, as the API hands it out now (a fresh upload URL each time). */
  urlOf(request: UrlRequest): Promise<string>
  /** The id of the request's file, and of another file of the same kind. */
  ids(request: UrlRequest): { own: string; other: string }
  /** Signs a grant with the server's own key, as it would. */
  resign(url: URL, action: 'upload' | 'download', fileId: string, expires: number): Promise<void>
  fileSizeLimit: number
}

export async function buildUrlWorld(server: TestServer): Promise<UrlWorld> {
  const client = new Client({ apiUrl: server.url, token: server.token, workspaceId: server.workspaceId, botId: server.botId, retry: false })
  const upload = async (key: string, i: number, accessPolicies?: ('public_content' | 'integrations')[]) => {
    const { file } = await client.upsertFile({ key, size: FILE_SIZE, contentType: 'text/plain', accessPolicies })
    const answer = await fetch(file.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: CONTENT(i) })
    if (answer.status !== 200) throw new Error(`the URL world's upload answered ${answer.status}: ${await answer.text()}`)
    return file.id
  }
  const stored: string[] = []
  const published: string[] = []
  for (let i = 0; i < FILES; i++) {
    stored.push(await upload(`fuzz-url/stored-${i}.txt`, i))
    published.push(await upload(`fuzz-url/public-${i}.txt`, i, ['public_content']))
  }
  const key = await signingKey(server.server.store as unknown as Parameters<typeof signingKey>[0])
  const pendingIds = new Map<number, string>()
  return {
    fileSizeLimit: server.server.config.fileSizeLimit,
    async urlOf(request) {
      if (request.kind === 'upload') {
        const { file } = await client.upsertFile({ key: `fuzz-url/upload-${request.file}.txt`, size: FILE_SIZE, contentType: 'text/plain' })
        pendingIds.set(request.file, file.id)
        return file.uploadUrl
      }
      return (await client.getFile({ id: (request.kind === 'download' ? stored : published)[request.file]! })).file.url
    },
    ids(request) {
      const pool = request.kind === 'download' ? stored : published
      if (request.kind === 'upload') return { own: pendingIds.get(request.file)!, other: stored[request.file]! }
      return { own: pool[request.file]!, other: request.kind === 'public' ? stored[request.file]! : pool[(request.file + 1) % FILES]! }
    },
    async resign(url, action, fileId, expires) {
      const version = url.searchParams.get('version') ?? ''
      url.searchParams.set('expires', String(expires))
      url.searchParams.set('signature', sign(key, { action, fileId, version, expires }))
    },
  }
}

/** Changes one character of a signature-like text to another of its alphabet. */
const flip = (text: string) => (text ? `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}` : 'A')

/** The request on the wire, its URL asked of the API now. */
export async function urlWireOf(world: UrlWorld, request: UrlRequest): Promise<WireRequest> {
  const url = new URL(await world.urlOf(request))
  const m = request.mutation
  const upload = request.kind === 'upload'
  let httpMethod = upload ? 'PUT' : 'GET'
  const headers: Record<string, string> = upload ? { 'content-type': 'text/plain' } : {}
  let body: string | undefined = upload ? CONTENT(request.file) : undefined
  const { own, other } = world.ids(request)
  if (m.name === 'method') httpMethod = m.method
  if (m.name === 'param') {
    const current = url.searchParams.get(m.param) ?? ''
    if (m.how === 'drop') url.searchParams.delete(m.param)
    else if (m.how === 'empty') url.searchParams.set(m.param, '')
    else if (m.how === 'flip') url.searchParams.set(m.param, m.param === 'expires' ? String(Number(current) + 1) : flip(current))
    else if (m.how === 'twice') url.searchParams.append(m.param, m.value || current)
    else url.searchParams.set(m.param, m.value)
  }
  if (m.name === 'expired') await world.resign(url, upload ? 'upload' : 'download', own, Math.floor(Date.now() / 1000) - m.secondsAgo)
  if (m.name === 'other-file') url.pathname = url.pathname.replace(encodeURIComponent(own), encodeURIComponent(other))
  if (m.name === 'path') url.pathname = url.pathname.replace(encodeURIComponent(own), m.id.includes('%') ? m.id : encodeSegment(m.id))
  if (m.name === 'content-type') {
    if (m.value === '') delete headers['content-type']
    else headers['content-type'] = m.value
    if (!upload) body = 'x'
    if (!upload && httpMethod === 'GET') httpMethod = 'POST'
  }
  if (m.name === 'body') {
    const size = { short: FILE_SIZE - 3, long: FILE_SIZE + 3, empty: 0, 'past-limit': world.fileSizeLimit + 1, 'lying-length': 4 }[m.how]
    body = 'b'.repeat(size)
    if (m.how === 'lying-length') headers['content-length'] = String(world.fileSizeLimit * 1_000)
    // The server answers 413 before the body ends and closes the connection: a plain socket still reads that answer
    // where fetch, still sending, may see only the reset.
    if (m.how === 'past-limit') headers['content-length'] = String(size)
    if (!upload) httpMethod = 'PUT'
  }
  if (m.name === 'range') headers.range = m.value
  if (httpMethod === 'GET' || httpMethod === 'HEAD') body = undefined
  return { operation: `${request.kind} URL`, principal: 'none', mutation: `url:${m.name}`, method: httpMethod, url: url.href, headers, body }
}

/** Violations particular to file URLs; errorViolations covers what every answer owes. */
export function urlViolations(request: UrlRequest, status: number, text: string): string[] {
  const found: string[] = []
  if (status < 300 && !mayPass(request)) found.push(`a ${request.kind} URL with mutation ${JSON.stringify(request.mutation).slice(0, 200)} was accepted (${status})`)
  if (request.mutation.name === 'none') {
    if (status !== 200) found.push(`the ${request.kind} URL as handed out answered ${status}: ${text.slice(0, 200)}`)
    else if (request.kind !== 'upload' && text !== CONTENT(request.file)) found.push(`the ${request.kind} URL answered other bytes than were uploaded: ${JSON.stringify(text.slice(0, 100))}`)
  }
  return found
}
