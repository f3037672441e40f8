import type { PublicHandlers } from '../handlers.js'
import { generateToken, hashToken } from '../auth/tokens.js'
import { notFound } from '../errors.js'
import { newId } from '../ids.js'
import { botOfWorkspace } from './bot-access.js'

/**
 * Bot API keys: `bot` tokens bound to one bot and its workspace. Accounts create and delete them; a bot
 * API key may list its own bot's keys (never their values, which are shown once, at creation).
 */
export const botApiKeyHandlers: PublicHandlers = {
  async createBotApiKey({ botId, note }, ctx) {
    ctx.accountId()
    const bot = await botOfWorkspace(ctx, botId)
    const value = generateToken('bot')
    const key = { id: newId('token'), createdAt: ctx.now(), note: note ?? '' }
    await ctx.db
      .insertInto('tokens')
      .values({ ...key, kind: 'bot', hash: hashToken(value), accountId: null, workspaceId: bot.workspaceId, botId: bot.id, integrationId: null })
      .execute()
    return { ...key, value }
  },

  async listBotApiKeys({ botId }, ctx) {
    const bot = await botOfWorkspace(ctx, botId)
    const baks = await ctx.db
      .selectFrom('tokens')
      .select(['id', 'createdAt', 'note'])
      .where('kind', '=', 'bot')
      .where('botId', '=', bot.id)
      .orderBy('createdAt')
      .orderBy('id')
      .execute()
    return { baks }
  },

  async deleteBotApiKey({ id }, ctx) {
    ctx.accountId()
    const workspace = await ctx.workspace()
    const { numDeletedRows } = await ctx.db
      .deleteFrom('tokens')
      .where('id', '=', id)
      .where('kind', '=', 'bot')
      .where('workspaceId', '=', workspace.id)
      .executeTakeFirst()
    if (!numDeletedRows) throw notFound('Bot API key', id)
    ctx.services.auth.invalidate()
    return {}
  },
}
