import type { RequestContext } from '../context.js'
import { forbidden } from '../errors.js'
import { lockWorkspace, syncOwnerColumn } from '../members/member-model.js'
import { writeAuditRecords } from '../members/audit.js'

/**
 * Deletes the caller's account. Its workspaces follow the owner rule: a workspace it alone owns is deleted
 * with it when no one else is a member, and refuses the deletion (403, nothing changes) when others are;
 * from every other workspace the account simply leaves, which that workspace's audit trail records.
 */
export async function deleteCallerAccount(ctx: RequestContext): Promise<void> {
  const accountId = ctx.accountId()
  const deletedBots = await ctx.store.transaction(async (trx) => {
    const account = await trx.selectFrom('accounts').select('email').where('id', '=', accountId).executeTakeFirstOrThrow()
    const memberships = await trx.selectFrom('workspaceMembers').select(['id', 'workspaceId', 'role']).where('accountId', '=', accountId).execute()
    const alone: string[] = []
    const left: string[] = []
    for (const membership of memberships) {
      await lockWorkspace(trx, ctx.store.dialect, membership.workspaceId)
      const others = await trx
        .selectFrom('workspaceMembers')
        .select('role')
        .where('workspaceId', '=', membership.workspaceId)
        .where('accountId', '<>', accountId)
        .execute()
      if (!others.length) alone.push(membership.workspaceId)
      else if (membership.role === 'owner' && !others.some((o) => o.role === 'owner')) {
        throw forbidden(`The account is the last owner of workspace "${membership.workspaceId}", which has other members: make one of them owner first`)
      } else left.push(membership.workspaceId)
    }
    const now = ctx.now()
    const botsOfDeletedWorkspaces = alone.length ? await trx.selectFrom('bots').select('id').where('workspaceId', 'in', alone).execute() : []
    if (alone.length) await trx.deleteFrom('workspaces').where('id', 'in', alone).execute()
    if (left.length) {
      await trx.deleteFrom('workspaceMembers').where('accountId', '=', accountId).execute()
      for (const workspaceId of left) await syncOwnerColumn(trx, workspaceId, now)
      await writeAuditRecords(
        trx,
        left.map((workspaceId) => ({
          workspaceId,
          userId: accountId,
          userEmail: account.email,
          action: 'REMOVE_WORKSPACE_MEMBER' as const,
          resourceId: accountId,
          resourceName: account.email,
          value: { operation: 'deleteAccount' },
        })),
        now,
      )
    }
    await trx.deleteFrom('accounts').where('id', '=', accountId).execute()
    return botsOfDeletedWorkspaces.map((b) => b.id)
  })
  ctx.services.auth.invalidate()
  await ctx.services.botsDeleted(deletedBots)
}
