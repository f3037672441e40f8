import { randomBytes } from 'node:crypto'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { notFound } from '../errors.js'
import { installedIntegrationAliases } from './installs.js'
import { requireAccount } from './store.js'

type Target = { botId: string; integrationId: string; integrationInstanceAlias?: string }

/** The bot (of the caller's workspaces) and the integration it installs that a shareable id is for. */
async function installedTarget(ctx: RequestContext, input: Target): Promise<{ botId: string; integrationId: string }> {
  requireAccount(ctx, 'Managing shareable ids')
  const bot = await ctx.db.selectFrom('bots').select(['id', 'workspaceId', 'data']).where('id', '=', input.botId).executeTakeFirst()
  if (!bot) throw notFound('Bot', input.botId)
  await ctx.workspace(bot.workspaceId).catch(() => {
    throw notFound('Bot', input.botId)
  })
  const aliases = installedIntegrationAliases(bot.data)
  const integrationId = input.integrationInstanceAlias ? aliases.get(input.integrationInstanceAlias) : input.integrationId
  if (!integrationId || ![...aliases.values()].includes(integrationId)) {
    const what = input.integrationInstanceAlias ? `alias "${input.integrationInstanceAlias}"` : `"${input.integrationId}"`
    throw notFound(`Integration ${what} installed on bot`, input.botId)
  }
  return { botId: bot.id, integrationId }
}

/** Shareable ids of an installed integration (the links that open its sandbox). They do not expire. */
export const shareableIdHandlers: PublicHandlers = {
  createIntegrationShareableId: async (input, ctx) => {
    const target = await installedTarget(ctx, input)
    // A fresh id replaces the previous one: creating is how a leaked link is revoked.
    const shareableId = randomBytes(12).toString('base64url')
    await ctx.db
      .insertInto('integrationShareableIds')
      .values({ ...target, shareableId, createdAt: ctx.now() })
      .onConflict((oc) => oc.columns(['botId', 'integrationId']).doUpdateSet({ shareableId, createdAt: ctx.now() }))
      .execute()
    return { shareableId }
  },

  getIntegrationShareableId: async (input, ctx) => {
    const target = await installedTarget(ctx, input)
    const row = await ctx.db
      .selectFrom('integrationShareableIds')
      .select('shareableId')
      .where('botId', '=', target.botId)
      .where('integrationId', '=', target.integrationId)
      .executeTakeFirst()
    if (!row) throw notFound('Shareable id of integration', target.integrationId)
    return { shareableId: row.shareableId, isExpired: false }
  },

  deleteIntegrationShareableId: async (input, ctx) => {
    const target = await installedTarget(ctx, input)
    await ctx.db.deleteFrom('integrationShareableIds').where('botId', '=', target.botId).where('integrationId', '=', target.integrationId).execute()
    return {}
  },
}
