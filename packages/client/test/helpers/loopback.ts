/** A real HTTP server on 127.0.0.1 and a random port that records requests and answers as each test tells it to. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Recorded = {
  method: string
  /** The raw request target, path and query string, as sent. */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  at: number
}

export type Handler = (req: Recorded, res: ServerResponse, index: number) => void | Promise<void>

export type Loopback = { url: string; requests: Recorded[]; close(): Promise<void> }

export async function startLoopback(handler: Handler): Promise<Loopback> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const [path, query = ''] = (req.url ?? '').split('?')
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        path,
        query: new URLSearchParams(query),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      }
      requests.push(recorded)
      try {
        await handler(recorded, res, requests.length - 1)
      } catch (error) {
        res.writeHead(599).end(String(error))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A Botpress error body, as the API sends it. */
export const botpressError = (type: string, status: number, message: string) => ({ id: `err_test_${type}`, code: status, type, message })
