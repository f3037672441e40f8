import type { FastifyInstance } from 'fastify'
import type { Selectable } from 'kysely'
import type { Services } from '../context.js'
import type { Db } from '../store/store.js'
import type { RuntimeTables } from '../runtime/tables.js'
import { ApiError, invalidPayload, notFound } from '../errors.js'
import { parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { botFor, optionalString, principalOf } from './access.js'

type DeliveryRow = Selectable<RuntimeTables['deliveries']>
type AttemptRow = Selectable<RuntimeTables['deliveryAttempts']>

const STATUSES = ['pending', 'delivered', 'failed', 'canceled']
const MAX_LIMIT = 100

/** A delivery as the dashboard shows it (WEB-CONTRACT.md "Deliveries"), with its attempts, oldest first. */
export function toDelivery(row: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: row.id,
    botId: row.botId,
    target: row.target,
    integrationId: row.integrationId || null,
    alias: row.alias || null,
    operation: row.operation,
    type: row.type,
    eventId: row.eventId,
    status: row.status,
    attempts: Number(row.attempts),
    dueAt: row.dueAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    body: parseJson<unknown>(row.body, null),
    attemptsLog: attempts.map((a) => ({
      startedAt: a.startedAt,
      durationMs: Number(a.durationMs),
      request: parseJson<{ url: string; headers: Record<string, string> }>(a.request, { url: '', headers: {} }),
      status: a.status === null ? null : Number(a.status),
      response: a.response,
      error: a.error,
    })),
  }
}

export type Delivery = ReturnType<typeof toDelivery>

/** The deliveries with their attempts: one query for all the attempts of the page. */
export async function withAttempts(db: Db, rows: DeliveryRow[]): Promise<Delivery[]> {
  if (!rows.length) return []
  const attempts = await db
    .selectFrom('deliveryAttempts')
    .selectAll()
    .where('deliveryId', 'in', rows.map((r) => r.id))
    .orderBy('startedAt')
    .orderBy('id')
    .execute()
  const byDelivery = new Map<string, AttemptRow[]>()
  for (const a of attempts) {
    const list = byDelivery.get(a.deliveryId)
    if (list) list.push(a)
    else byDelivery.set(a.deliveryId, [a])
  }
  return rows.map((r) => toDelivery(r, byDelivery.get(r.id) ?? []))
}

function limitOf(value: unknown): number {
  if (value === undefined || value === '') return 20
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw invalidPayload(`Invalid "limit": ${JSON.stringify(value)} is not a whole number from 1 to ${MAX_LIMIT}`)
  return n
}

/**
 * The runtime's outbox, for the dashboard: `GET /_bpkit/bots/<botId>/deliveries` (newest first, authorised like
 * reading the bot's events) and `POST /_bpkit/deliveries/<id>/redeliver` (authorised like creating an event).
 */
export function registerDeliveryRoutes(app: FastifyInstance, services: Services): void {
  app.get('/_bpkit/bots/:botId/deliveries', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const { botId } = request.params as { botId: string }
    const query = (request.query ?? {}) as Record<string, unknown>
    const eventId = optionalString(query, 'eventId', 'query')
    const status = optionalString(query, 'status', 'query')
    if (status !== undefined && !STATUSES.includes(status)) throw invalidPayload(`Invalid "status": ${JSON.stringify(status)} is not one of ${STATUSES.join(', ')}`)
    const pageSize = limitOf(query.limit)
    const nextToken = optionalString(query, 'nextToken', 'query')
    const principal = await principalOf(services, request)
    await botFor(services, principal, request, botId)
    const db = services.store.db
    const rows = db
      .selectFrom('deliveries')
      .selectAll()
      .where('botId', '=', botId)
      .$if(eventId !== undefined, (q) => q.where('eventId', '=', eventId!))
      .$if(status !== undefined, (q) => q.where('status', '=', status!))
    const page = await paginate(rows, { sortColumn: 'createdAt', direction: 'desc', nextToken, pageSize })
    return reply.send({ deliveries: await withAttempts(db, page.items), meta: page.meta })
  })

  app.post('/_bpkit/deliveries/:id/redeliver', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const { id } = request.params as { id: string }
    const principal = await principalOf(services, request)
    const row = await services.store.db.selectFrom('deliveries').select(['botId', 'status']).where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('Delivery', id)
    // A delivery of a bot the caller cannot see is "not found", like the bot itself.
    await botFor(services, principal, request, row.botId, 'listEvents').catch((error: unknown) => {
      throw error instanceof ApiError && error.code === 404 ? notFound('Delivery', id) : error
    })
    await botFor(services, principal, request, row.botId, 'createEvent')
    if (!(await services.runtime.redeliver(id))) {
      throw new ApiError('ResourceLockedConflict', `Delivery "${id}" is not settled (it is ${row.status}): only a delivered or failed delivery is sent again`)
    }
    return reply.send({ redelivered: true })
  })
}
