/**
 * One HTTP/1.1 exchange over a plain TCP socket, for what `fetch` refuses to send: headers past the
 * parser's limit, malformed request lines, bytes that are not UTF-8. Reads until the server closes the
 * connection or a full response (by Content-Length) has arrived.
 */
import { connect } from 'node:net'

export type RawExchange = { status: number; headers: Record<string, string>; body: string; closedByServer: boolean }

export function rawExchange(url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawExchange> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    let settled = false
    const timer = setTimeout(() => finish(new Error('no complete response in time')), timeoutMs)
    const finish = (error?: Error, closedByServer = false) => {
      if (settled) return
      const parsed = parse(Buffer.concat(chunks))
      if (!error && !parsed && !closedByServer) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (parsed) resolve({ ...parsed, closedByServer })
      else reject(error ?? new Error(`the server closed the connection without a response: ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`))
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      const parsed = parse(Buffer.concat(chunks))
      // A complete response: wait a moment to see whether the server also closes the connection.
      if (parsed) setTimeout(() => finish(undefined, socket.readableEnded || socket.destroyed), 50)
    })
    socket.on('end', () => finish(undefined, true))
    socket.on('error', (error) => finish(error, true))
    socket.on('connect', () => socket.write(request))
  })
}

function parse(data: Buffer): Omit<RawExchange, 'closedByServer'> | undefined {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const body = data.subarray(end + 4)
  const length = Number(headers['content-length'] ?? NaN)
  if (Number.isFinite(length) && body.length < length) return undefined
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') }
}
