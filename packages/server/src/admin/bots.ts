import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { hasTags } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { botOfWorkspace } from './bot-access.js'
import { newBotRow, readData, toBot, toBotSummary } from './bot-model.js'
import { checkCron, syncRecurringRuns } from '../runtime/recurring.js'
import { updateBotRow } from './bot-update.js'
import { insertBotUser } from '../runtime/bot-user.js'
import { foldCallsOfDeletedBot, flushApiCalls } from '../usage/api-calls.js'
import { withCrashingInstalls } from '../runtime/deployed/crash-status.js'

/**
 * Bots of the request's workspace (`x-workspace-id`). Accounts manage them; a bot API key may read its
 * own bot. Deleting a bot deletes everything it owns through the store's cascading foreign keys.
 */
export const botHandlers: PublicHandlers = {
  async createBot(input, ctx) {
    const createdBy = ctx.accountId()
    const workspace = await ctx.workspace()
    for (const [name, event] of Object.entries(input.recurringEvents ?? {})) checkCron(name, event.schedule.cron)
    const row = newBotRow(input, { id: newId('bot'), workspaceId: workspace.id, createdBy }, ctx.now())
    await ctx.store.transaction(async (trx) => {
      await trx.insertInto('bots').values(row).execute()
      await insertBotUser(trx, row.id, ctx.now())
      await syncRecurringRuns(trx, row.id, readData(row).recurringEvents ?? {}, new Date(ctx.now()))
    })
    return { bot: toBot(await botOfWorkspace(ctx, row.id)) }
  },

  async getBot({ id }, ctx) {
    return { bot: await withCrashingInstalls(ctx.db, toBot(await botOfWorkspace(ctx, id))) }
  },

  async listBots({ dev, tags, nextToken, sortField, sortDirection }, ctx) {
    ctx.accountId()
    const workspace = await ctx.workspace()
    const query = ctx.db
      .selectFrom('bots')
      .select(['id', 'name', 'tags', 'data', 'createdAt', 'updatedAt'])
      .where('workspaceId', '=', workspace.id)
      // The spec: "If true, only dev bots are returned. Otherwise, only production bots are returned."
      .where('dev', '=', dev ? 1 : 0)
      .where(hasTags(ctx.store.dialect, 'tags', tags ?? {}))
    const page = await paginate(query, { sortColumn: sortField ?? 'createdAt', direction: sortDirection ?? 'desc', nextToken })
    return { bots: page.items.map(toBotSummary), meta: page.meta }
  },

  async updateBot(input, ctx) {
    ctx.accountId()
    const current = await botOfWorkspace(ctx, input.id)
    await updateBotRow(ctx, current, input)
    return { bot: await withCrashingInstalls(ctx.db, toBot(await botOfWorkspace(ctx, input.id))) }
  },

  async deleteBot({ id }, ctx) {
    ctx.accountId()
    await botOfWorkspace(ctx, id)
    await flushApiCalls(ctx.services)
    await ctx.store.transaction(async (trx) => {
      await foldCallsOfDeletedBot(trx, id)
      await trx.deleteFrom('bots').where('id', '=', id).execute()
    })
    ctx.services.auth.invalidate()
    await ctx.services.botsDeleted([id])
    return {}
  },
}
