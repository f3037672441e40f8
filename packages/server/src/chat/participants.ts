import type { PublicHandlers } from '../handlers.js'
import { notFound } from '../errors.js'
import { paginate } from '../store/pagination.js'
import type { Db } from '../store/store.js'
import { toUser } from './models.js'
import { findOwned } from './refs.js'

/** The participant `userId` of the bot's conversation `conversationId`, as a user, or not found. */
async function findParticipant(db: Db, botId: string, conversationId: string, userId: string) {
  const row = await db
    .selectFrom('participants')
    .innerJoin('users', 'users.id', 'participants.userId')
    .selectAll('users')
    .where('participants.botId', '=', botId)
    .where('participants.conversationId', '=', conversationId)
    .where('participants.userId', '=', userId)
    .executeTakeFirst()
  if (!row) {
    await findOwned(db, 'conversations', botId, conversationId)
    throw notFound('Participant', userId)
  }
  return row
}

export const participantHandlers: PublicHandlers = {
  async addParticipant(input, ctx) {
    const botId = await ctx.botId()
    const user = await ctx.store.transaction(async (trx) => {
      await findOwned(trx, 'conversations', botId, input.id)
      const user = await findOwned(trx, 'users', botId, input.userId)
      // Adding someone who already takes part is not an error: the call is idempotent.
      await trx
        .insertInto('participants')
        .values({ botId, conversationId: input.id, userId: input.userId, createdAt: ctx.now() })
        .onConflict((oc) => oc.doNothing())
        .execute()
      return user
    })
    return { participant: toUser(user) }
  },

  async getParticipant(input, ctx) {
    return { participant: toUser(await findParticipant(ctx.db, await ctx.botId(), input.id, input.userId)) }
  },

  async listParticipants(input, ctx) {
    const botId = await ctx.botId()
    await findOwned(ctx.db, 'conversations', botId, input.id)
    const query = ctx.db
      .selectFrom('users')
      .selectAll('users')
      .where('users.botId', '=', botId)
      .where((eb) =>
        eb.exists(eb.selectFrom('participants').select('userId').whereRef('participants.userId', '=', 'users.id').where('participants.conversationId', '=', input.id)),
      )
    const page = await paginate(query, { sortColumn: 'users.createdAt', idColumn: 'users.id', direction: 'asc', nextToken: input.nextToken })
    return { participants: page.items.map(toUser), meta: page.meta }
  },

  async removeParticipant(input, ctx) {
    const botId = await ctx.botId()
    const result = await ctx.db
      .deleteFrom('participants')
      .where('botId', '=', botId)
      .where('conversationId', '=', input.id)
      .where('userId', '=', input.userId)
      .executeTakeFirst()
    if (!result.numDeletedRows) {
      await findOwned(ctx.db, 'conversations', botId, input.id)
      throw notFound('Participant', input.userId)
    }
    return {}
  },
}
