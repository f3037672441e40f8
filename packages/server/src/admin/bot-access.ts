import type { RequestContext } from '../context.js'
import { forbidden, notFound } from '../errors.js'
import type { BotRow } from './bot-model.js'

/**
 * The bot `id` as the caller may see it: it must belong to the request's workspace (`x-workspace-id`, or
 * the key's own workspace), and a bot API key only ever sees its own bot. Anything else is "not found",
 * so a caller cannot even learn that another workspace's bot exists. Integration keys manage no bots.
 */
export async function botOfWorkspace(ctx: RequestContext, id: string): Promise<BotRow> {
  const { principal } = ctx
  refuseIntegrationKeys(ctx)
  if (principal.kind === 'bot' && principal.botId !== id) throw notFound('Bot', id)
  const workspace = await ctx.workspace()
  const row = await ctx.db.selectFrom('bots').selectAll().where('id', '=', id).where('workspaceId', '=', workspace.id).executeTakeFirst()
  if (!row) throw notFound('Bot', id)
  return row
}

/** Admin reads are for accounts and bot API keys; an integration API key acts for its integration only. */
export function refuseIntegrationKeys(ctx: RequestContext): void {
  if (ctx.principal.kind === 'integration') throw forbidden('An integration API key cannot read workspaces or bots')
}
