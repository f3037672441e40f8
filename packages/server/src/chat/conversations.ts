import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { hasTags, parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { isoDate } from './inputs.js'
import { getOrCreate } from './lookup.js'
import { toConversation } from './models.js'
import { deleteOwned, findOwned, requireRefs } from './refs.js'
import { deleteStatesOf } from './states.js'
import { cleanTags, discriminatingTags, lookupKey, mergeTags, type Tags } from './tags.js'
import { indexTags, reindexTags, taggedWith } from './tag-index.js'

type NewConversation = { botId: string; channel: string; integration: string; tags: Tags; lookupKey: string | null; now: string }

const newConversation = ({ botId, channel, integration, tags, lookupKey, now }: NewConversation) => ({
  id: newId('conversation'),
  botId,
  channel,
  integration,
  tags: JSON.stringify(tags),
  currentTaskId: null,
  currentWorkflowId: null,
  lookupKey,
  createdAt: now,
  updatedAt: now,
})

export const conversationHandlers: PublicHandlers = {
  async createConversation(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const tags = cleanTags(input.tags)
    const integration = input.integrationName ?? (await ctx.integrationName()) ?? ''
    const row = await ctx.store.transaction(async (trx) => {
      const created = await trx
        .insertInto('conversations')
        .values(newConversation({ botId, channel: input.channel, integration, tags, lookupKey: null, now }))
        .returningAll()
        .executeTakeFirstOrThrow()
      await indexTags(trx, 'conversations', { id: created.id, botId, tags })
      return created
    })
    return { conversation: toConversation(row) }
  },

  async getConversation(input, ctx) {
    return { conversation: toConversation(await findOwned(ctx.db, 'conversations', await ctx.botId(), input.id)) }
  },

  async listConversations(input, ctx) {
    const botId = await ctx.botId()
    const after = isoDate('afterDate', input.afterDate)
    const before = isoDate('beforeDate', input.beforeDate)
    const query = ctx.db
      .selectFrom('conversations')
      .selectAll()
      .where('botId', '=', botId)
      .$if(!!input.tags, (q) => q.where(hasTags(ctx.store.dialect, 'tags', input.tags!)))
      .$if(input.integrationName !== undefined, (q) => q.where('integration', '=', input.integrationName!))
      .$if(input.channel !== undefined, (q) => q.where('channel', '=', input.channel!))
      .$if(after !== undefined, (q) => q.where('createdAt', '>=', after!))
      .$if(before !== undefined, (q) => q.where('createdAt', '<=', before!))
      .$if(!!input.participantIds?.length, (q) =>
        q.where((eb) =>
          eb.and(
            input.participantIds!.map((userId) =>
              eb.exists(
                eb.selectFrom('participants').select('userId').whereRef('participants.conversationId', '=', 'conversations.id').where('participants.userId', '=', userId),
              ),
            ),
          ),
        ),
      )
    const page = await paginate(query, { sortColumn: input.sortField ?? 'createdAt', direction: input.sortDirection, nextToken: input.nextToken })
    return { conversations: page.items.map(toConversation), meta: page.meta }
  },

  async getOrCreateConversation(input, ctx) {
    const botId = await ctx.botId()
    const tags = cleanTags(input.tags)
    const match = discriminatingTags(tags, input.discriminateByTags)
    const integration = input.integrationName ?? (await ctx.integrationName()) ?? ''
    const key = lookupKey(['conversation', input.channel, integration], match)
    const row = await getOrCreate({
      byKey: () => ctx.db.selectFrom('conversations').selectAll().where('botId', '=', botId).where('lookupKey', '=', key).executeTakeFirst(),
      matching: Object.keys(match).length
        ? () =>
            ctx.db
              .selectFrom('conversations')
              .selectAll()
              .where('id', 'in', taggedWith(ctx.db, 'conversations', botId, match))
              .where('channel', '=', input.channel)
              .where('integration', '=', integration)
              .orderBy('createdAt')
              .orderBy('id')
              .limit(1)
              .executeTakeFirst()
        : undefined,
      insert: () =>
        ctx.store.transaction(async (trx) => {
          const row = newConversation({ botId, channel: input.channel, integration, tags, lookupKey: key, now: ctx.now() })
          const { numInsertedOrUpdatedRows } = await trx.insertInto('conversations').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirstOrThrow()
          if (numInsertedOrUpdatedRows) await indexTags(trx, 'conversations', { id: row.id, botId, tags })
        }),
    })
    return { conversation: toConversation(row) }
  },

  async updateConversation(input, ctx) {
    const botId = await ctx.botId()
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findOwned(trx, 'conversations', botId, input.id)
      await requireRefs(trx, botId, { tasks: input.currentTaskId })
      const tags = input.tags === undefined ? undefined : mergeTags(parseJson(current.tags, {}), input.tags)
      const updated = await trx
        .updateTable('conversations')
        .set({
          ...(input.currentTaskId !== undefined && { currentTaskId: input.currentTaskId }),
          // Changed tags release the get-or-create key: the conversation no longer stands for its original tags.
          ...(tags && { tags: JSON.stringify(tags), lookupKey: null }),
          updatedAt: ctx.now(),
        })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      if (tags) await reindexTags(trx, 'conversations', { id: current.id, botId, tags })
      return updated
    })
    return { conversation: toConversation(row) }
  },

  async deleteConversation(input, ctx) {
    const botId = await ctx.botId()
    // Messages, participants and tasks cascade from the conversation row; states have no foreign key (their owner
    // may be of several kinds), so they go explicitly, in the same transaction.
    await ctx.store.transaction(async (trx) => {
      await deleteOwned(trx, 'conversations', botId, input.id)
      await deleteStatesOf(trx, botId, 'conversation', input.id)
    })
    return {}
  },
}
