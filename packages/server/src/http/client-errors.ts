import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ErrorType } from '@bpkit/spec'
import { newUlid } from '../ids.js'

type ConnectionError = Error & { code?: string }

/** What a request the HTTP parser gave up on answers: its status, Botpress type and message. */
function describe(error: ConnectionError): { status: number; type: ErrorType; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, type: 'PayloadTooLarge', message: 'The request line and headers are too large (the limit is BPKIT_HEADER_LIMIT bytes)' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: 'InvalidPayload', message: 'The request was not received in time' }
    default:
      return { status: 400, type: 'InvalidPayload', message: `Malformed HTTP request (${error.code ?? 'parse error'})` }
  }
}

/**
 * Answers a request Node's HTTP parser refused (headers past the limit, a malformed request line, a
 * timeout) with the Botpress error envelope and an `x-request-id`, then closes the connection saying
 * `Connection: close`, so a keep-alive client knows not to reuse it. Fastify's `clientErrorHandler`.
 */
export function answerClientError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (socket.writable) {
    const { status, type, message } = describe(error)
    const body = JSON.stringify({ id: `err_${newUlid()}`, code: status, type, message })
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `x-request-id: req_${newUlid()}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
      () => socket.destroy(),
    )
  } else {
    socket.destroy()
  }
}
