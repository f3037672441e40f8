/**
 * The frames of the official CLI's `bp dev` tunnel (JSON text over a WebSocket; ../shared/RUNTIME.md): the
 * server sends `request`s, the CLI answers `response`s, either side may send `hello` to keep it open.
 */
export type TunnelHeaders = Record<string, string | string[] | undefined>

export type RequestFrame = { type: 'request'; id: string; method: string; path: string; query?: string; headers?: TunnelHeaders; body?: string }
export type ResponseFrame = { type?: 'response'; requestId: string; status: number; headers?: TunnelHeaders; body?: string }

export const CLOSE = { normal: 1000, invalidTunnelId: 4000, tunnelIdInUse: 4001, invalidResponse: 4002 } as const

/** A frame from the CLI: a response, a hello, or undefined for anything else (garbage closes the tunnel). */
export function readFrame(data: string): ResponseFrame | { type: 'hello' } | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    return undefined
  }
  if (!parsed || typeof parsed !== 'object') return undefined
  const frame = parsed as Record<string, unknown>
  if (frame.type === 'hello') return { type: 'hello' }
  if ((frame.type === undefined || frame.type === 'response') && typeof frame.requestId === 'string' && Number.isInteger(frame.status)) {
    const headers = frame.headers && typeof frame.headers === 'object' ? (frame.headers as TunnelHeaders) : undefined
    return { type: 'response', requestId: frame.requestId, status: frame.status as number, headers, body: typeof frame.body === 'string' ? frame.body : undefined }
  }
  return undefined
}
