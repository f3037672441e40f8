import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../context.js'
import { ApiError, notFound } from '../errors.js'
import { sendError } from '../http/errors.js'
import { prepared } from '../store/prepared.js'
import type { RuntimeTables } from './tables.js'

const routeOf = prepared<{ webhookId: string }, RuntimeTables['webhooks']>((db, p) => db.selectFrom('webhooks').selectAll().where('webhookId', '=', p.webhookId))

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * `<public url>/webhooks/<webhookId>[/sub/path]`, any method: relayed to the installation's integration as
 * `webhook_received`, and the integration's `{ status, headers, body }` is what the caller gets. Like
 * Botpress's webhook host, it takes no token: the webhook id is the secret.
 */
export async function registerWebhookRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    // The integration gets the body as the caller sent it, so it can check a signature over the raw bytes.
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
    const handler = (request: FastifyRequest, reply: FastifyReply) => relay(services, request, reply)
    scope.route({ method: [...ALL_METHODS], url: '/webhooks/:webhookId', handler })
    scope.route({ method: [...ALL_METHODS], url: '/webhooks/:webhookId/*', handler })
  })
}

async function relay(services: Services, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id)
  const { webhookId, '*': rest } = request.params as { webhookId: string; '*'?: string }
  const [route] = (await routeOf(services.store.db, { webhookId })).rows
  const bot = route && (await services.runtime.bot(services.store.db, route.botId))
  const installation = bot?.installations.find((i) => i.alias === route!.alias && i.integrationId === route!.integrationId)
  if (!bot || !installation) return sendError(reply, notFound('Webhook', webhookId))
  if (!installation.enabled) return sendError(reply, new ApiError('InvalidPayload', `The integration of webhook "${webhookId}" is disabled on its bot`))

  const queryAt = request.url.indexOf('?')
  const req = {
    method: request.method,
    path: rest ? `/${rest}` : '',
    query: queryAt >= 0 ? request.url.slice(queryAt + 1) : '',
    headers: request.headers,
    body: typeof request.body === 'string' ? request.body : '',
  }
  const result = await services.runtime.invokeIntegration(bot.botId, installation, 'webhook_received', { req })
  if (result.kind === 'missing') return sendError(reply, new ApiError('Runtime', `Webhook "${webhookId}": ${result.reason}`))
  if (result.kind === 'unreachable') {
    const type = result.timedOut ? 'OperationTimeout' : 'Runtime'
    return sendError(reply, new ApiError(type, `Webhook "${webhookId}": integration "${installation.alias}" could not be reached (${result.reason})`))
  }
  reply.code(result.status)
  for (const [name, value] of Object.entries(result.headers)) reply.header(name, value)
  return reply.send(result.body)
}
