import { sql } from 'kysely'
import type { PublicHandlers } from '../handlers.js'
import { ApiError } from '../errors.js'
import { newId } from '../ids.js'
import { paginate } from '../store/pagination.js'
import type { Db } from '../store/store.js'
import { scheduledTime } from './inputs.js'
import { toEvent } from './models.js'
import { findOwned, requireRefs } from './refs.js'
import { onEventCreated } from '../runtime/flows.js'

/**
 * Scheduled events whose time has come become pending, every bot's. Run by the section's sweep, and before a
 * bot's events are listed so that a status filter sees them as due without waiting for the sweep. Every
 * bot's, not only the listing one's: the partial index of scheduled events (migration 015) finds the due
 * ones, where a condition on the bot would have the planner read all of the bot's events instead.
 */
export async function promoteDueEvents(db: Db, now: string): Promise<void> {
  await db.updateTable('events').set({ status: 'pending' }).where('status', '=', sql.lit('scheduled')).where('scheduledFor', '<=', now).execute()
}

export const eventHandlers: PublicHandlers = {
  async createEvent(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const scheduledFor = input.schedule ? scheduledTime(input.schedule, now) : null
    await requireRefs(ctx.db, botId, { conversations: input.conversationId, users: input.userId, messages: input.messageId, workflows: input.workflowId })
    // An integration's event reaches the bot as `<alias>:<type>`.
    const alias = await ctx.integrationAlias()
    const type = alias && !input.type.includes(':') ? `${alias}:${input.type}` : input.type
    const bot = await ctx.botRuntime()
    let enqueued = false
    const row = await ctx.store.transaction(async (trx) => {
      const event = await trx
      .insertInto('events')
      .values({
        id: newId('event'),
        botId,
        type,
        payload: JSON.stringify(input.payload),
        conversationId: input.conversationId ?? null,
        userId: input.userId ?? null,
        messageId: input.messageId ?? null,
        workflowId: input.workflowId ?? null,
        status: scheduledFor ? 'scheduled' : 'pending',
        failureReason: null,
        scheduledFor,
        createdAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      enqueued = await onEventCreated(trx, ctx, bot, event)
      return event
    })
    if (enqueued) ctx.services.runtime.wake()
    return { event: toEvent(row, now) }
  },

  async getEvent(input, ctx) {
    return { event: toEvent(await findOwned(ctx.db, 'events', await ctx.botId(), input.id), ctx.now()) }
  },

  async listEvents(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    await promoteDueEvents(ctx.db, now)
    const query = ctx.db
      .selectFrom('events')
      .selectAll()
      .where('botId', '=', botId)
      .$if(input.type !== undefined, (q) => q.where('type', '=', input.type!))
      .$if(input.conversationId !== undefined, (q) => q.where('conversationId', '=', input.conversationId!))
      .$if(input.userId !== undefined, (q) => q.where('userId', '=', input.userId!))
      .$if(input.messageId !== undefined, (q) => q.where('messageId', '=', input.messageId!))
      .$if(input.workflowId !== undefined, (q) => q.where('workflowId', '=', input.workflowId!))
      .$if(input.status !== undefined, (q) => q.where('status', '=', input.status!))
    const page = await paginate(query, { sortColumn: 'createdAt', nextToken: input.nextToken })
    return { events: page.items.map((row) => toEvent(row, now)), meta: page.meta }
  },

  async cancelScheduledEvent(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const result = await ctx.db
      .updateTable('events')
      .set({ status: 'canceled' })
      .where('id', '=', input.id)
      .where('botId', '=', botId)
      .where('status', '=', 'scheduled')
      .where('scheduledFor', '>', now)
      .executeTakeFirst()
    if (result.numUpdatedRows) await ctx.db.updateTable('deliveries').set({ status: 'canceled', updatedAt: now }).where('eventId', '=', input.id).where('status', '=', 'pending').execute()
    if (!result.numUpdatedRows) {
      const event = toEvent(await findOwned(ctx.db, 'events', botId, input.id), now)
      throw new ApiError('InvalidPayload', `Event "${input.id}" is not scheduled (its status is "${event.status}"): only a scheduled event that is not yet due can be canceled`)
    }
    return {}
  },
}
