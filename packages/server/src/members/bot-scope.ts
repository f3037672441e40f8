import type { RequestContext } from '../context.js'
import { ApiError, forbidden, notFound } from '../errors.js'

/**
 * A bot named in the input (not by `x-bot-id`), as the caller may reach it: a bot API key reaches its own
 * bot, an account the bots of its workspaces. Anything else is "not found", never the bot.
 */
export async function reachableBot(ctx: RequestContext, botId: string): Promise<{ id: string; workspaceId: string }> {
  const p = ctx.principal
  if (p.kind === 'integration') throw forbidden('An integration API key cannot read bots: use a personal access token or the bot\'s API key')
  if (p.kind === 'bot' && p.botId !== botId) throw notFound('Bot', botId)
  const bot = await ctx.db.selectFrom('bots').select(['id', 'workspaceId']).where('id', '=', botId).executeTakeFirst()
  if (!bot) throw notFound('Bot', botId)
  if (p.kind === 'account') {
    await ctx.workspace(bot.workspaceId).catch((error: unknown) => {
      throw error instanceof ApiError && error.type === 'ResourceNotFound' ? notFound('Bot', botId) : error
    })
  }
  return bot
}
