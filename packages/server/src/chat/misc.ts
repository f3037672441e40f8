import type { Kysely } from 'kysely'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { jsonText } from '../store/json.js'
import { paginate } from '../store/pagination.js'

const taggedTables = { user: 'users', conversation: 'conversations', message: 'messages' } as const

export const miscHandlers: PublicHandlers = {
  /** The distinct values of one tag across the bot's users, conversations or messages, in ascending order. */
  async listTagValues(input, ctx) {
    const botId = await ctx.botId()
    const db = ctx.db as unknown as Kysely<any>
    const value = jsonText(ctx.store.dialect, 'tags', input.key)
    const values = db
      .selectFrom(taggedTables[input.type])
      .select(value.as('value'))
      .distinct()
      .where('botId', '=', botId)
      .where(value, 'is not', null)
    const page = await paginate(db.selectFrom(values.as('tagValues')).select('value'), {
      sortColumn: 'value',
      idColumn: 'value',
      direction: 'asc',
      nextToken: input.nextToken,
    })
    return { tags: page.items.map((row) => ({ value: String(row.value) })), meta: page.meta }
  },

  /** Analytics are recorded as they come (one row per call) for a reporting operation to sum later. */
  async trackAnalytics(input, ctx) {
    const botId = await ctx.botId()
    await ctx.db.insertInto('analytics').values({ id: newId('activity'), botId, name: input.name, count: input.count, createdAt: ctx.now() }).execute()
    return {}
  },
}
