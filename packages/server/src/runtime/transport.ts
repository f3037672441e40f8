/** One HTTP call to a bot's or an integration's url, with a deadline; never throws. */

export type Answer = { kind: 'answered'; status: number; headers: Record<string, string>; body: string; ms: number }
export type Unreachable = { kind: 'unreachable'; reason: string; timedOut: boolean; ms: number }
export type CallResult = Answer | Unreachable

export type Call = { url: string; method?: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal }

// Hop-by-hop headers describe one connection, not the answer: a relay drops them.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length', 'content-encoding'])

export async function call({ url, method = 'POST', headers, body, timeoutMs, signal }: Call): Promise<CallResult> {
  const started = performance.now()
  const ms = () => Math.round((performance.now() - started) * 10) / 10
  try {
    const response = await fetch(url, { method, headers, body, signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs), redirect: 'manual' })
    const text = await response.text()
    const answerHeaders: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) answerHeaders[name] = value
    })
    return { kind: 'answered', status: response.status, headers: answerHeaders, body: text, ms: ms() }
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } }
    const timedOut = err.name === 'TimeoutError'
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : err.name === 'AbortError' ? 'the server is stopping' : (err.cause?.code ?? err.cause?.message ?? err.message)
    return { kind: 'unreachable', reason, timedOut, ms: ms() }
  }
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
