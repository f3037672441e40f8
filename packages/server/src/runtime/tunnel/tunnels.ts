import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { randomUUID } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSE, readFrame, type RequestFrame, type ResponseFrame } from './frames.js'

/**
 * `/<tunnelId>`: the path the official CLI opens its WebSocket at, a UUID per `bp dev` run. Only UUIDs are
 * tunnel ids here, so that no other one-segment path of the server (a dashboard page) is taken for one.
 */
export const TUNNEL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

type Pending = { resolve: (frame: ResponseFrame | undefined) => void; timer: NodeJS.Timeout }
type Tunnel = { socket: WebSocket; pending: Map<string, Pending> }

/**
 * The server side of the `bp dev` tunnel. The CLI connects a WebSocket at `/<tunnelId>`; a request to
 * `/<tunnelId>/...` is sent over it as a `request` frame and answered by its `response`. A tunnel that closes
 * answers what it still owes with nothing, so the caller fails at once (as a refused connection would) rather
 * than waiting. Written on `ws` rather than the CLI's own tunnel package, whose server side takes over every
 * WebSocket upgrade of the HTTP server and throws on a frame that is not JSON.
 */
export class Tunnels {
  private readonly tunnels = new Map<string, Tunnel>()
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 })

  /** Takes the upgrade when its path is `/<tunnelId>`; returns false to leave it to others. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0]!.slice(1)
    if (!TUNNEL_ID.test(path)) return false
    this.wss.handleUpgrade(request, socket, head, (ws) => this.open(path, ws))
    return true
  }

  has(tunnelId: string): boolean {
    return this.tunnels.has(tunnelId)
  }

  /** Sends a request over the tunnel; resolves with its response, or undefined when the tunnel is gone or too slow. */
  relay(tunnelId: string, request: Omit<RequestFrame, 'type' | 'id'>, timeoutMs: number): Promise<ResponseFrame | undefined> {
    const tunnel = this.tunnels.get(tunnelId)
    if (!tunnel) return Promise.resolve(undefined)
    const id = randomUUID()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        tunnel.pending.delete(id)
        resolve(undefined)
      }, timeoutMs)
      tunnel.pending.set(id, { resolve, timer })
      tunnel.socket.send(JSON.stringify({ type: 'request', id, ...request } satisfies RequestFrame), (error) => {
        if (error) this.answer(tunnel, id, undefined)
      })
    })
  }

  close(): void {
    for (const tunnel of this.tunnels.values()) tunnel.socket.terminate()
    this.tunnels.clear()
    this.wss.close()
  }

  private open(tunnelId: string, socket: WebSocket): void {
    if (this.tunnels.has(tunnelId)) return socket.close(CLOSE.tunnelIdInUse, 'tunnel id already in use')
    const tunnel: Tunnel = { socket, pending: new Map() }
    this.tunnels.set(tunnelId, tunnel)
    socket.on('message', (data) => {
      const frame = readFrame(data.toString())
      if (!frame) return socket.close(CLOSE.invalidResponse, 'invalid response payload')
      if (frame.type === 'hello') return socket.send(JSON.stringify({ type: 'hello' }))
      this.answer(tunnel, frame.requestId, frame)
    })
    socket.on('error', () => socket.terminate())
    socket.on('close', () => {
      if (this.tunnels.get(tunnelId) === tunnel) this.tunnels.delete(tunnelId)
      for (const id of [...tunnel.pending.keys()]) this.answer(tunnel, id, undefined)
    })
  }

  private answer(tunnel: Tunnel, id: string, frame: ResponseFrame | undefined): void {
    const pending = tunnel.pending.get(id)
    if (!pending) return
    tunnel.pending.delete(id)
    clearTimeout(pending.timer)
    pending.resolve(frame)
  }
}
