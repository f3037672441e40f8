import type { PublicHandlers } from '../handlers.js'
import { reachableBot } from './bot-scope.js'

/**
 * Who the token is and whether it reaches `botId`: the bot's workspace, the bot, and the caller's id (the
 * account of a personal access token, or the bot itself for a bot API key). A bot it cannot reach is 404.
 */
export const introspectHandlers: PublicHandlers = {
  async introspect({ botId }, ctx) {
    const bot = await reachableBot(ctx, botId)
    const p = ctx.principal
    return { workspaceId: bot.workspaceId, botId: bot.id, userId: p.kind === 'account' ? p.accountId : bot.id }
  },
}
