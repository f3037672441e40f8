import type { RequestContext } from '../context.js'
import { ApiError, notFound } from '../errors.js'
import { botsInstalling, installedIds } from './installs.js'
import { referrers } from './references.js'
import { ownedPackage, requireAccount, type PackageRow } from './store.js'

/** The integrations a bot of the caller's workspace installs. */
export async function botInstalls(ctx: RequestContext, botId: string): Promise<string[]> {
  const bot = await ctx.db.selectFrom('bots').select(['workspaceId', 'data']).where('id', '=', botId).executeTakeFirst()
  if (!bot) throw notFound('Bot', botId)
  await ctx.workspace(bot.workspaceId).catch(() => {
    throw notFound('Bot', botId)
  })
  return installedIds(bot.data, 'integration')
}

/** Deleting a definition that a bot installs or a plugin depends on would break them: ReferenceConstraint. */
export async function checkUnused(ctx: RequestContext, row: PackageRow): Promise<void> {
  const users = [
    ...(row.kind === 'interface' ? [] : (await botsInstalling(ctx.db, row.kind, row.id)).map((b) => `bot ${b.id}`)),
    ...(await referrers(ctx.db, row.id)),
  ]
  if (users.length) {
    throw new ApiError(
      'ReferenceConstraint',
      `${row.kind} ${row.name}@${row.version} cannot be deleted while it is in use by ${users.slice(0, 5).join(', ')}${users.length > 5 ? ` and ${users.length - 5} more` : ''}`,
    )
  }
}

/** Deletes an interface or plugin of the account's workspace, once no bot or package uses it. */
export async function deleteUnusedPackage(ctx: RequestContext, kind: 'interface' | 'plugin', id: string): Promise<void> {
  requireAccount(ctx, kind === 'interface' ? 'Deleting an interface' : 'Deleting a plugin')
  const row = await ownedPackage(ctx, kind, id)
  await checkUnused(ctx, row)
  await ctx.db.deleteFrom('hubPackages').where('id', '=', row.id).execute()
}
