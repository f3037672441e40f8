import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../context.js'
import { ApiError } from '../../errors.js'
import type { TunnelHeaders } from './frames.js'
import { TUNNEL_ID, type Tunnels } from './tunnels.js'

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
// Hop-by-hop headers describe the CLI's connection to its local server, not the answer: a relay drops them.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length'])

/**
 * `bp dev` through bpkit: the CLI's WebSocket at `/<tunnelId>`, and every HTTP request to `/<tunnelId>[/...]`
 * relayed over it. The dev bot's or integration's `url` is that address, so the runtime delivers to it like to
 * any url; a tunnel that is not connected answers 502 at once, which the dispatcher retries.
 */
export async function registerTunnelRoutes(app: FastifyInstance, services: Services, tunnels: Tunnels): Promise<void> {
  app.server.on('upgrade', (request, socket, head) => {
    if (tunnels.handleUpgrade(request, socket, head)) return
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })
  // The HTTP server waits for its connections when it closes, tunnels included: they are closed first.
  app.addHook('preClose', async () => tunnels.close())
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
    const handler = (request: FastifyRequest, reply: FastifyReply) => relay(services, tunnels, request, reply)
    const id = `:tunnelId(${TUNNEL_ID.source.slice(1, -1)})`
    scope.route({ method: [...ALL_METHODS], url: `/${id}`, handler })
    scope.route({ method: [...ALL_METHODS], url: `/${id}/*`, handler })
  })
}

async function relay(services: Services, tunnels: Tunnels, request: FastifyRequest, reply: FastifyReply) {
  const { tunnelId, '*': rest } = request.params as { tunnelId: string; '*'?: string }
  const queryAt = request.url.indexOf('?')
  const response = await tunnels.relay(
    tunnelId,
    {
      method: request.method,
      path: `/${rest ?? ''}`,
      query: queryAt >= 0 ? request.url.slice(queryAt + 1) : undefined,
      headers: request.headers as TunnelHeaders,
      body: typeof request.body === 'string' ? request.body : undefined,
    },
    services.config.runtimeTimeoutMs,
  )
  if (!response) {
    // As a refused connection would: the dispatcher tries again (a 4xx would be taken as the handler's own failure).
    const error = new ApiError('Internal', `Tunnel "${tunnelId}" gave no answer: its bp dev is not connected, or did not answer in time`)
    return reply.code(502).header('x-request-id', request.id).type('application/json').send(JSON.stringify({ ...error.toJSON(), code: 502 }))
  }
  reply.code(response.status)
  for (const [name, value] of Object.entries(response.headers ?? {})) if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) reply.header(name, value)
  return reply.send(response.body ?? '')
}
