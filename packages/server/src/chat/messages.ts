import type { PublicApi } from '@bpkit/spec'
import type { Selectable } from 'kysely'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { ApiError } from '../errors.js'
import { newId } from '../ids.js'
import { hasTags, parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { prepared } from '../store/prepared.js'
import { isoDate } from './inputs.js'
import { getOrCreate } from './lookup.js'
import { toMessage } from './models.js'
import { deleteOwned, findOwned, requireRefs } from './refs.js'
import { cleanTags, discriminatingTags, lookupKey, mergeTags } from './tags.js'
import type { ChatTables } from './tables.js'
import { messageMayDeliver, onMessageCreated } from '../runtime/flows.js'

/**
 * The stored row of a new message. A bot (personal or bot key) writes outgoing messages; an integration
 * writes what arrives from its channel. `schedule` is accepted and the message stored and delivered at once.
 */
function newMessage(input: PublicApi.CreateMessageInput, ctx: RequestContext, botId: string, key: string | null) {
  const now = ctx.now()
  return {
    id: newId('message'),
    botId,
    conversationId: input.conversationId,
    userId: input.userId,
    type: input.type,
    payload: JSON.stringify(input.payload),
    direction: ctx.principal.kind === 'integration' ? 'incoming' : 'outgoing',
    origin: input.origin ?? null,
    tags: JSON.stringify(cleanTags(input.tags)),
    lookupKey: key,
    createdAt: now,
    updatedAt: now,
  }
}

type MessageRow = ReturnType<typeof newMessage>

// Every column of a new message, once each: the compiler refuses a list that misses one.
const messageColumns = Object.keys({
  id: true, botId: true, conversationId: true, userId: true, type: true, payload: true, direction: true,
  origin: true, tags: true, lookupKey: true, createdAt: true, updatedAt: true,
} satisfies Record<keyof MessageRow, true>) as (keyof MessageRow)[]

/**
 * The hot write path: one statement inserts the message only if its conversation and user are the bot's
 * (INSERT ... SELECT ... WHERE EXISTS); when it inserts nothing, a second query says which one is missing.
 */
const insertMessage = prepared<MessageRow, Selectable<ChatTables['messages']>>((db, p) =>
  db
    .insertInto('messages')
    .columns(messageColumns)
    .expression(
      db
        .selectNoFrom((eb) => messageColumns.map((column) => eb.val(p[column]).as(column)))
        .where((eb) =>
          eb.and([
            eb.exists(eb.selectFrom('conversations').select('id').where('id', '=', p.conversationId).where('botId', '=', p.botId)),
            eb.exists(eb.selectFrom('users').select('id').where('id', '=', p.userId).where('botId', '=', p.botId)),
          ]),
        ),
    )
    .returningAll(),
)

export const messageHandlers: PublicHandlers = {
  async createMessage(input, ctx) {
    const botId = await ctx.botId()
    const values = newMessage(input, ctx, botId, null)
    const bot = await ctx.botRuntime()
    const row = messageMayDeliver(bot, values.direction)
      ? await ctx.services.runtime.writeThenDeliver(bot!, (handoff) =>
          ctx.store.transaction(async (trx) => {
            const [inserted] = (await insertMessage(trx, values)).rows
            if (inserted) await onMessageCreated(trx, ctx, bot!, inserted, handoff)
            return inserted
          }),
        )
      : (await insertMessage(ctx.db, values)).rows[0]
    if (!row) {
      await requireRefs(ctx.db, botId, { conversations: input.conversationId, users: input.userId })
      throw new ApiError('ResourceLockedConflict', 'The conversation or user of this message was deleted meanwhile; retry the request')
    }
    return { message: toMessage(row) }
  },

  async getOrCreateMessage(input, ctx) {
    const botId = await ctx.botId()
    await requireRefs(ctx.db, botId, { conversations: input.conversationId, users: input.userId })
    const match = discriminatingTags(cleanTags(input.tags), input.discriminateByTags)
    const key = lookupKey(['message', input.conversationId], match)
    const messages = () => ctx.db.selectFrom('messages').selectAll().where('botId', '=', botId)
    const row = await getOrCreate({
      byKey: () => messages().where('lookupKey', '=', key).executeTakeFirst(),
      matching: Object.keys(match).length
        ? () =>
            messages()
              .where('conversationId', '=', input.conversationId)
              .where(hasTags(ctx.store.dialect, 'tags', match))
              .orderBy('createdAt')
              .orderBy('id')
              .limit(1)
              .executeTakeFirst()
        : undefined,
      insert: async () => {
        await ctx.db
          .insertInto('messages')
          .values(newMessage(input, ctx, botId, key))
          .onConflict((oc) => oc.doNothing())
          .execute()
      },
    })
    return { message: toMessage(row) }
  },

  async getMessage(input, ctx) {
    return { message: toMessage(await findOwned(ctx.db, 'messages', await ctx.botId(), input.id)) }
  },

  async updateMessage(input, ctx) {
    const botId = await ctx.botId()
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findOwned(trx, 'messages', botId, input.id)
      return trx
        .updateTable('messages')
        .set({
          tags: JSON.stringify(mergeTags(parseJson(current.tags, {}), input.tags)),
          lookupKey: null,
          ...(input.payload !== undefined && { payload: JSON.stringify(input.payload) }),
          updatedAt: ctx.now(),
        })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { message: toMessage(row) }
  },

  async listMessages(input, ctx) {
    const botId = await ctx.botId()
    const after = isoDate('afterDate', input.afterDate)
    const before = isoDate('beforeDate', input.beforeDate)
    const query = ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('botId', '=', botId)
      .$if(input.conversationId !== undefined, (q) => q.where('conversationId', '=', input.conversationId!))
      .$if(!!input.tags, (q) => q.where(hasTags(ctx.store.dialect, 'tags', input.tags!)))
      .$if(after !== undefined, (q) => q.where('createdAt', '>=', after!))
      .$if(before !== undefined, (q) => q.where('createdAt', '<=', before!))
    const page = await paginate(query, { sortColumn: 'createdAt', nextToken: input.nextToken })
    return { messages: page.items.map(toMessage), meta: page.meta }
  },

  async deleteMessage(input, ctx) {
    await deleteOwned(ctx.db, 'messages', await ctx.botId(), input.id)
    return {}
  },
}
