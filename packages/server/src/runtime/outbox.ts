import { newId } from '../ids.js'
import { prepared, rowOf } from '../store/prepared.js'
import type { Db } from '../store/store.js'
import type { RuntimeTables } from './tables.js'
import type { Handoff } from './handoff.js'

export type NewDelivery = {
  botId: string
  target: RuntimeTables['deliveries']['target']
  integrationId?: string
  alias?: string
  operation: string
  type: string
  eventId?: string
  /** The conversation the delivery is about. */
  conversationId?: string | null
  /** Whether it waits for the deliveries of its conversation to the same target created before it (default true). */
  ordered?: boolean
  body: unknown
  /** When it is due (a scheduled event); default now. */
  dueAt?: string
}

type Delivery = RuntimeTables['deliveries']

const deliveryColumns = [
  'id', 'botId', 'target', 'integrationId', 'alias', 'operation', 'type', 'eventId', 'conversationId', 'orderKey', 'body',
  'status', 'dueAt', 'attempts', 'leaseUntil', 'lastError', 'createdAt', 'updatedAt',
] as const
const insertDelivery = prepared<Delivery, never>((db, p) => db.insertInto('deliveries').values(rowOf(p, deliveryColumns)))

/** One queue per target and conversation: a bot's deliveries never wait for its integrations', nor the reverse. */
function orderKey(delivery: NewDelivery): string | undefined {
  if (delivery.ordered === false || !delivery.conversationId) return undefined
  return delivery.target === 'bot' ? `bot:${delivery.conversationId}` : `integration:${delivery.alias}:${delivery.conversationId}`
}

/**
 * Writes the promise to deliver: called inside the transaction that writes what causes the delivery, so both
 * commit together. With a `handoff`, a delivery due now may be written leased to this process and sent as soon
 * as the transaction commits; otherwise the dispatcher is woken by whoever committed (`Runtime.wake`), or finds
 * it on its next poll.
 */
export async function enqueue(db: Db, now: string, delivery: NewDelivery, handoff?: Handoff): Promise<string> {
  const id = newId('delivery')
  const dueAt = delivery.dueAt ?? now
  const key = orderKey(delivery) ?? id
  const leaseUntil = handoff && dueAt <= now ? await handoff.lease(db, delivery.botId, key) : undefined
  const row: Delivery = {
    id,
    botId: delivery.botId,
    target: delivery.target,
    integrationId: delivery.integrationId ?? '',
    alias: delivery.alias ?? '',
    operation: delivery.operation,
    type: delivery.type,
    eventId: delivery.eventId ?? null,
    conversationId: delivery.conversationId ?? null,
    orderKey: key,
    body: JSON.stringify(delivery.body),
    status: 'pending',
    dueAt,
    // A delivery leased as it is written counts its first attempt, as a claim does.
    attempts: leaseUntil ? 1 : 0,
    leaseUntil: leaseUntil ?? null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  }
  await insertDelivery(db, row)
  handoff?.wrote(row)
  return id
}
