import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { hasTags, parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { isoDate } from './inputs.js'
import { getOrCreate } from './lookup.js'
import { toUser } from './models.js'
import { deleteOwned, findOwned } from './refs.js'
import { deleteStatesOf } from './states.js'
import { cleanTags, discriminatingTags, lookupKey, mergeTags, type Tags } from './tags.js'
import { indexTags, reindexTags, taggedWith } from './tag-index.js'

type NewUser = { botId: string; input: { name?: string; pictureUrl?: string }; tags: Tags; lookupKey: string | null; now: string }

const newUser = ({ botId, input, tags, lookupKey, now }: NewUser) => ({
  id: newId('user'),
  botId,
  name: input.name ?? null,
  pictureUrl: input.pictureUrl ?? null,
  tags: JSON.stringify(tags),
  lookupKey,
  createdAt: now,
  updatedAt: now,
})

export const userHandlers: PublicHandlers = {
  async createUser(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const tags = cleanTags(input.tags)
    const row = await ctx.store.transaction(async (trx) => {
      const created = await trx.insertInto('users').values(newUser({ botId, input, tags, lookupKey: null, now })).returningAll().executeTakeFirstOrThrow()
      await indexTags(trx, 'users', { id: created.id, botId, tags })
      return created
    })
    return { user: toUser(row) }
  },

  async getUser(input, ctx) {
    return { user: toUser(await findOwned(ctx.db, 'users', await ctx.botId(), input.id)) }
  },

  async listUsers(input, ctx) {
    const botId = await ctx.botId()
    const range = input.rangeField ?? 'createdAt'
    const after = isoDate('afterDate', input.afterDate)
    const before = isoDate('beforeDate', input.beforeDate)
    const query = ctx.db
      .selectFrom('users')
      .selectAll()
      .where('botId', '=', botId)
      // The bot's own user (its id is a user id in every chat operation) is not one of its users.
      .where('id', '!=', botId)
      .$if(!!input.tags, (q) => q.where(hasTags(ctx.store.dialect, 'tags', input.tags!)))
      .$if(after !== undefined, (q) => q.where(range, '>=', after!))
      .$if(before !== undefined, (q) => q.where(range, '<=', before!))
      .$if(!!input.conversationId, (q) =>
        q.where((eb) =>
          eb.exists(
            eb.selectFrom('participants').select('userId').whereRef('participants.userId', '=', 'users.id').where('participants.conversationId', '=', input.conversationId!),
          ),
        ),
      )
    const page = await paginate(query, { sortColumn: input.sortField ?? 'createdAt', direction: input.sortDirection, nextToken: input.nextToken })
    return { users: page.items.map(toUser), meta: page.meta }
  },

  async getOrCreateUser(input, ctx) {
    const botId = await ctx.botId()
    const tags = cleanTags(input.tags)
    const match = discriminatingTags(tags, input.discriminateByTags)
    const key = lookupKey(['user'], match)
    const users = () => ctx.db.selectFrom('users').selectAll().where('botId', '=', botId)
    const row = await getOrCreate({
      byKey: () => users().where('lookupKey', '=', key).executeTakeFirst(),
      matching: Object.keys(match).length
        ? () =>
            ctx.db
              .selectFrom('users')
              .selectAll()
              .where('id', 'in', taggedWith(ctx.db, 'users', botId, match))
              .orderBy('createdAt')
              .orderBy('id')
              .limit(1)
              .executeTakeFirst()
        : undefined,
      insert: () =>
        ctx.store.transaction(async (trx) => {
          const row = newUser({ botId, input, tags, lookupKey: key, now: ctx.now() })
          const { numInsertedOrUpdatedRows } = await trx.insertInto('users').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirstOrThrow()
          if (numInsertedOrUpdatedRows) await indexTags(trx, 'users', { id: row.id, botId, tags })
        }),
    })
    return { user: toUser(row) }
  },

  async updateUser(input, ctx) {
    const botId = await ctx.botId()
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findOwned(trx, 'users', botId, input.id)
      const tags = input.tags === undefined ? undefined : mergeTags(parseJson(current.tags, {}), input.tags)
      const updated = await trx
        .updateTable('users')
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(input.pictureUrl !== undefined && { pictureUrl: input.pictureUrl }),
          // Changed tags release the get-or-create key: the user no longer stands for the tags it was made with.
          ...(tags && { tags: JSON.stringify(tags), lookupKey: null }),
          updatedAt: ctx.now(),
        })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      if (tags) await reindexTags(trx, 'users', { id: current.id, botId, tags })
      return updated
    })
    return { user: toUser(row) }
  },

  async deleteUser(input, ctx) {
    const botId = await ctx.botId()
    await ctx.store.transaction(async (trx) => {
      await deleteOwned(trx, 'users', botId, input.id)
      await deleteStatesOf(trx, botId, 'user', input.id)
    })
    return {}
  },
}
