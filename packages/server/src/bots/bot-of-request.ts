import type { RequestContext } from '../context.js'

/**
 * The bot a request acted for, if any: a bot API key's bot, or the `x-bot-id` bot the token may reach.
 * Requests naming no bot, or a bot the caller may not reach, belong to no bot's records.
 */
export async function botOfRequest(ctx: RequestContext): Promise<string | undefined> {
  if (ctx.principal.kind !== 'bot' && !ctx.header('x-bot-id')) return undefined
  return ctx.botId().catch(() => undefined)
}
