/** One HTTP request on a keep-alive agent, timed: how the soak and the history benchmark talk to the server. */
import http from 'node:http'

export type Answer = { status: number; body: Buffer; ms: number }

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

/** Sends `body` (JSON when it is not a Buffer) and resolves with the status, the answer's bytes and the time; network errors give status 0. */
export function send(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const target = new URL(url)
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body))
  const started = performance.now()
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers: { ...(data && !Buffer.isBuffer(body) && { 'content-type': 'application/json' }), ...(data && { 'content-length': data.length }), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - started }))
        res.on('error', (error) => resolve(failed(error, started)))
      },
    )
    req.setTimeout(30_000, () => req.destroy(new Error('timed out after 30 s')))
    req.on('error', (error) => resolve(failed(error, started)))
    req.end(data)
  })
}

const failed = (error: Error, started: number): Answer => ({ status: 0, body: Buffer.from(String(error)), ms: performance.now() - started })
