/** Sends one fuzzed request: with fetch, or over a plain socket for what fetch refuses to send. */
import { rawExchange } from './raw-http.js'
import type { Answer } from './invariants.js'
import type { WireRequest } from './requests.js'

export async function send(request: WireRequest, timeoutMs: number): Promise<Answer | Error> {
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) })
    return { status: response.status, headers: response.headers, text: await response.text() }
  } catch (error) {
    // What fetch refuses to send (a header value with a NUL, a trailing space or a character past U+00FF; TRACE, CONNECT) goes over a plain socket.
    const reason = `${(error as Error).message} ${((error as { cause?: Error }).cause ?? {}).message ?? ''}`
    if (error instanceof TypeError && /header|ByteString|method/i.test(reason)) return sendRaw(request, timeoutMs)
    return error as Error
  }
}

export async function sendRaw(request: WireRequest, timeoutMs: number): Promise<Answer | Error> {
  const url = new URL(request.url)
  const body = Buffer.from(request.body ?? '')
  // A Content-Length the request names itself (a lie about its body) is sent as is.
  const length = Object.keys(request.headers).some((k) => k.toLowerCase() === 'content-length') ? [] : [`Content-Length: ${body.length}`]
  const head = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`), ...length, 'Connection: close']
  try {
    const answer = await rawExchange(request.url, Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]), timeoutMs)
    return { status: answer.status, headers: new Headers(answer.headers), text: answer.body }
  } catch (error) {
    return error as Error
  }
}

/** Whether the server's /healthz still answers 200. */
export async function healthy(server: { url: string }): Promise<boolean> {
  const answer = await send({ operation: 'healthz', principal: 'none', mutation: 'none', method: 'GET', url: `${server.url}/healthz`, headers: {} }, 10_000)
  return !(answer instanceof Error) && answer.status === 200
}
