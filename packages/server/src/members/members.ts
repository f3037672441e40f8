import type { PublicHandlers } from '../handlers.js'
import type { RequestContext } from '../context.js'
import type { Db } from '../store/store.js'
import { alreadyExists } from '../errors.js'
import { newAccountId, newId } from '../ids.js'
import { paginate } from '../store/pagination.js'
import { isUniqueViolation } from '../admin/unique.js'
import { assertAnotherOwner, assertMayAssign, findMember, lockWorkspace, selectMembers, syncOwnerColumn, toMember } from './member-model.js'

/** A self-hosted server has no AI spend: members have no monthly limit to report. */
const NO_SPENDING_LIMIT = 0

/** The request's workspace (`x-workspace-id`) and the caller's role in it. Members are accounts' business. */
async function callerMembership(ctx: RequestContext) {
  const accountId = ctx.accountId()
  const workspace = await ctx.workspace()
  return { accountId, workspaceId: workspace.id, role: workspace.role }
}

/** The account with this e-mail, made (with no token and no workspace) when the server does not know it yet. */
async function accountByEmail(trx: Db, email: string, now: string): Promise<string> {
  await trx
    .insertInto('accounts')
    .values({ id: newAccountId(), email, displayName: null, profilePicture: null, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute()
  const account = await trx.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()
  return account.id
}

/** E-mail addresses compare without case or surrounding spaces. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase()

/**
 * Workspace members and their roles. Listing needs any role; adding, changing and removing members need
 * manager or above (members/roles.ts), and no one gives or touches a role above their own. A workspace
 * never loses its last owner.
 */
export const memberHandlers: PublicHandlers = {
  async listWorkspaceMembers({ nextToken }, ctx) {
    const { workspaceId } = await callerMembership(ctx)
    const query = selectMembers(ctx.db).where('workspaceMembers.workspaceId', '=', workspaceId)
    const page = await paginate(query, { sortColumn: 'workspaceMembers.createdAt', idColumn: 'workspaceMembers.id', direction: 'asc', nextToken })
    return { members: page.items.map(toMember), meta: page.meta }
  },

  async getWorkspaceMember(_input, ctx) {
    const { accountId, workspaceId } = await callerMembership(ctx)
    const row = await selectMembers(ctx.db)
      .where('workspaceMembers.workspaceId', '=', workspaceId)
      .where('workspaceMembers.accountId', '=', accountId)
      .executeTakeFirstOrThrow()
    return toMember(row)
  },

  async createWorkspaceMember({ email, role }, ctx) {
    const caller = await callerMembership(ctx)
    assertMayAssign(caller.role, role, 'give')
    const now = ctx.now()
    const address = normalizeEmail(email)
    const id = newId('member')
    await ctx.store
      .transaction(async (trx) => {
        const accountId = await accountByEmail(trx, address, now)
        await trx.insertInto('workspaceMembers').values({ id, workspaceId: caller.workspaceId, accountId, role, createdAt: now, updatedAt: now }).execute()
      })
      .catch((error) => {
        throw isUniqueViolation(error) ? alreadyExists(`"${address}" is already a member of workspace "${caller.workspaceId}"`) : error
      })
    return toMember(await findMember(ctx.db, caller.workspaceId, id))
  },

  async updateWorkspaceMember({ id, role }, ctx) {
    const caller = await callerMembership(ctx)
    await ctx.store.transaction(async (trx) => {
      await lockWorkspace(trx, ctx.store.dialect, caller.workspaceId)
      const member = await findMember(trx, caller.workspaceId, id)
      if (role === undefined || role === member.role) return
      assertMayAssign(caller.role, member.role, 'change a member with')
      assertMayAssign(caller.role, role, 'give')
      if (member.role === 'owner') await assertAnotherOwner(trx, caller.workspaceId, id)
      const now = ctx.now()
      await trx.updateTable('workspaceMembers').set({ role, updatedAt: now }).where('id', '=', id).execute()
      await syncOwnerColumn(trx, caller.workspaceId, now)
    })
    return { ...toMember(await findMember(ctx.db, caller.workspaceId, id)), monthlySpendingLimit: NO_SPENDING_LIMIT }
  },

  async deleteWorkspaceMember({ id }, ctx) {
    const caller = await callerMembership(ctx)
    await ctx.store.transaction(async (trx) => {
      await lockWorkspace(trx, ctx.store.dialect, caller.workspaceId)
      const member = await findMember(trx, caller.workspaceId, id)
      if (member.accountId !== caller.accountId) assertMayAssign(caller.role, member.role, 'remove a member with')
      if (member.role === 'owner') await assertAnotherOwner(trx, caller.workspaceId, id)
      await trx.deleteFrom('workspaceMembers').where('id', '=', id).execute()
      await syncOwnerColumn(trx, caller.workspaceId, ctx.now())
    })
    ctx.services.auth.invalidate()
    return {}
  },
}
