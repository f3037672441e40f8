import type { PublicHandlers } from '../handlers.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { readData } from '../admin/bot-model.js'
import { findPackage, usableBy } from '../integrations/store.js'
import { ApiError, invalidPayload } from '../errors.js'

export const botTransferHandlers: PublicHandlers = {
  /**
   * Moves a bot, with everything it owns and its API keys, to another workspace the caller is a member of.
   * Refused while it installs an integration or plugin private to its current workspace, which the target
   * workspace could not use.
   */
  async transferBot({ id, targetWorkspaceId }, ctx) {
    ctx.accountId()
    const bot = await botOfWorkspace(ctx, id)
    // The caller's role must allow transferBot in the target workspace too: a member without it gets 403.
    await ctx.workspace(targetWorkspaceId).catch((error: unknown) => {
      if (!(error instanceof ApiError) || error.type !== 'ResourceNotFound') throw error
      throw invalidPayload(`Invalid "targetWorkspaceId": ${JSON.stringify(targetWorkspaceId)} is not a workspace you are a member of`)
    })
    if (targetWorkspaceId === bot.workspaceId) return {}
    const data = readData(bot)
    const installed = [
      ...Object.entries(data.integrations ?? {}).map(([alias, i]) => ({ kind: 'integration' as const, alias, id: i.id })),
      ...Object.entries(data.plugins ?? {}).map(([alias, p]) => ({ kind: 'plugin' as const, alias, id: p.id })),
    ]
    for (const entry of installed) {
      const row = await findPackage(ctx.db, entry.kind, entry.id)
      if (row && !usableBy(row, targetWorkspaceId)) {
        throw invalidPayload(`Invalid "targetWorkspaceId": the bot installs ${entry.kind} "${entry.alias}" (${row.name}@${row.version}), private to its current workspace; uninstall it first`)
      }
    }
    await ctx.store.transaction(async (trx) => {
      await trx.updateTable('bots').set({ workspaceId: targetWorkspaceId, updatedAt: ctx.now() }).where('id', '=', bot.id).execute()
      await trx.updateTable('tokens').set({ workspaceId: targetWorkspaceId }).where('kind', '=', 'bot').where('botId', '=', bot.id).execute()
    })
    ctx.services.auth.invalidate()
    return {}
  },
}
