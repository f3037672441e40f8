import type { PublicHandlers } from '../handlers.js'
import { generateToken, hashToken } from '../auth/tokens.js'
import { notFound } from '../errors.js'
import { newId } from '../ids.js'
import { managedWorkspace, ownedPackage, requireAccount } from './store.js'

/**
 * Integration API keys: `bp_iak_` tokens stored hashed in the core `tokens` table (kind `integration`). A key
 * acts as its integration: it may read and update it, publish new versions of its name, and read its logs.
 */
export const integrationKeyHandlers: PublicHandlers = {
  createIntegrationApiKey: async (input, ctx) => {
    requireAccount(ctx, 'Creating an integration API key')
    const integration = await ownedPackage(ctx, 'integration', input.integrationId)
    const value = generateToken('integration')
    const key = { id: newId('token'), createdAt: ctx.now(), note: input.note ?? '' }
    await ctx.db
      .insertInto('tokens')
      .values({ ...key, kind: 'integration', hash: hashToken(value), accountId: null, workspaceId: integration.workspaceId, botId: null, integrationId: integration.id })
      .execute()
    return { ...key, value }
  },

  listIntegrationApiKeys: async (input, ctx) => {
    requireAccount(ctx, 'Listing integration API keys')
    const integration = await ownedPackage(ctx, 'integration', input.integrationId)
    const iaks = await ctx.db
      .selectFrom('tokens')
      .select(['id', 'createdAt', 'note'])
      .where('kind', '=', 'integration')
      .where('integrationId', '=', integration.id)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .execute()
    return { iaks }
  },

  deleteIntegrationApiKey: async (input, ctx) => {
    requireAccount(ctx, 'Deleting an integration API key')
    const workspaceId = await managedWorkspace(ctx)
    const deleted = await ctx.db
      .deleteFrom('tokens')
      .where('id', '=', input.id)
      .where('kind', '=', 'integration')
      .where('workspaceId', '=', workspaceId)
      .executeTakeFirst()
    if (!deleted.numDeletedRows) throw notFound('Integration API key', input.id)
    ctx.services.auth.invalidate()
    return {}
  },
}
