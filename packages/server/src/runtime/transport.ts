import http from 'node:http'
import https from 'node:https'

/** One HTTP call to a bot's or an integration's url, with a deadline; never throws. */

export type Answer = { kind: 'answered'; status: number; headers: Record<string, string>; body: string; ms: number }
export type Unreachable = { kind: 'unreachable'; reason: string; timedOut: boolean; ms: number }
export type CallResult = Answer | Unreachable

export type Call = { url: string; method?: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal }

// Hop-by-hop headers describe one connection, not the answer: a relay drops them.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length', 'content-encoding'])

// Kept-alive connections to handlers: node:http rather than fetch, whose per-call overhead is several times
// larger, and every message costs the runtime two or three such calls.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) }

const MAX_ANSWER_BYTES = 32 * 1024 * 1024

export function call({ url, method = 'POST', headers, body, timeoutMs, signal }: Call): Promise<CallResult> {
  const started = performance.now()
  const ms = () => Math.round((performance.now() - started) * 10) / 10
  return new Promise((resolve) => {
    let settled = false
    const done = (result: CallResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const fail = (reason: string, timedOut = false) => {
      done({ kind: 'unreachable', reason, timedOut, ms: ms() })
      request?.destroy()
    }
    const onAbort = () => fail('the server is stopping')
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`, true), timeoutMs)
    let request: http.ClientRequest | undefined
    let target: URL
    try {
      target = new URL(url)
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported protocol ${target.protocol}`)
    } catch (error) {
      return fail((error as Error).message)
    }
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const transport = target.protocol === 'https:' ? https : http
    const payload = body === undefined ? undefined : Buffer.from(body)
    request = transport.request(
      target,
      { method, agent: agents[target.protocol], headers: { ...headers, ...(payload && { 'content-length': String(payload.length) }) } },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_ANSWER_BYTES) return fail(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`)
          chunks.push(chunk)
        })
        response.on('error', (error) => fail(error.message))
        response.on('end', () => {
          const answerHeaders: Record<string, string> = {}
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value
          }
          done({ kind: 'answered', status: response.statusCode ?? 0, headers: answerHeaders, body: Buffer.concat(chunks).toString('utf8'), ms: ms() })
        })
      },
    )
    request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message))
    request.end(payload)
  })
}

/** A handler's answer read as JSON, or `fallback` when it is not JSON (a handler may answer anything). */
export function readJson<T>(text: string, fallback: T): T {
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === 'object' ? (parsed as T) : fallback
  } catch {
    return fallback
  }
}

/** The message of a Botpress error body (`{ message }`) or of an SDK 0.x `{ error }` body, else the text itself. */
export function answerMessage(body: string): string {
  const parsed = readJson<{ message?: unknown; error?: unknown }>(body, {})
  if (typeof parsed.message === 'string') return parsed.message
  if (typeof parsed.error === 'string') return parsed.error
  if (parsed.error && typeof parsed.error === 'object' && typeof (parsed.error as { message?: unknown }).message === 'string') {
    return (parsed.error as { message: string }).message
  }
  return body.slice(0, 500) || '(empty answer)'
}
