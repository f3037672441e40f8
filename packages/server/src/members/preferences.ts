import type { PublicHandlers } from '../handlers.js'
import { parseJson } from '../store/json.js'

/**
 * Preferences: free JSON values under a key, one set per account and one per workspace (`x-workspace-id`).
 * Setting a key again replaces its value; a key never set reads as null.
 */

const toText = (value: unknown) => JSON.stringify(value ?? null)

export const preferenceHandlers: PublicHandlers = {
  async setAccountPreference({ key, value }, ctx) {
    const accountId = ctx.accountId()
    const row = { accountId, key, value: toText(value), updatedAt: ctx.now() }
    await ctx.db
      .insertInto('accountPreferences')
      .values(row)
      .onConflict((oc) => oc.columns(['accountId', 'key']).doUpdateSet({ value: row.value, updatedAt: row.updatedAt }))
      .execute()
    return {}
  },

  async getAccountPreference({ key }, ctx) {
    const row = await ctx.db.selectFrom('accountPreferences').select('value').where('accountId', '=', ctx.accountId()).where('key', '=', key).executeTakeFirst()
    return { value: parseJson(row?.value, null) }
  },

  async setWorkspacePreference({ key, value }, ctx) {
    ctx.accountId()
    const workspace = await ctx.workspace()
    const row = { workspaceId: workspace.id, key, value: toText(value), updatedAt: ctx.now() }
    await ctx.db
      .insertInto('workspacePreferences')
      .values(row)
      .onConflict((oc) => oc.columns(['workspaceId', 'key']).doUpdateSet({ value: row.value, updatedAt: row.updatedAt }))
      .execute()
    return {}
  },

  async getWorkspacePreference({ key }, ctx) {
    const workspace = await ctx.workspace()
    const row = await ctx.db.selectFrom('workspacePreferences').select('value').where('workspaceId', '=', workspace.id).where('key', '=', key).executeTakeFirst()
    return { value: parseJson(row?.value, null) }
  },
}
