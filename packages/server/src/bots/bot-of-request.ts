import type { RequestContext } from '../context.js'
import type { MaybePromise } from '../handlers.js'

/**
 * The bot a request acted for, if any: a bot API key's bot, or the `x-bot-id` bot the token may reach.
 * Requests naming no bot, or a bot the caller may not reach, belong to no bot's records. Known at once
 * when the request resolved its bot; looked up otherwise.
 */
export function botOfRequest(ctx: RequestContext): MaybePromise<string | undefined> {
  if (ctx.principal.kind !== 'bot' && !ctx.header('x-bot-id')) return undefined
  return ctx.knownBot?.botId ?? ctx.botId().catch(() => undefined)
}
