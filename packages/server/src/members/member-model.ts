import type { PublicApi } from '@bpkit/spec'
import type { Db } from '../store/store.js'
import type { DialectName } from '../store/store.js'
import { forbidden, notFound } from '../errors.js'
import { roleRank, type Role } from './roles.js'

/** Maps a workspace member (a `workspaceMembers` row and its account) to the API, and keeps the owner rules. */

export type WorkspaceMember = PublicApi.WorkspaceMember

type MemberRow = {
  id: string
  accountId: string
  email: string
  role: string
  createdAt: string
  displayName: string | null
  profilePicture: string | null
}

/** Members with the account fields the model shows. */
export const selectMembers = (db: Db) =>
  db
    .selectFrom('workspaceMembers')
    .innerJoin('accounts', 'accounts.id', 'workspaceMembers.accountId')
    .select([
      'workspaceMembers.id',
      'workspaceMembers.accountId',
      'workspaceMembers.role',
      'workspaceMembers.createdAt',
      'accounts.email',
      'accounts.displayName',
      'accounts.profilePicture',
    ])

export function toMember(row: MemberRow): WorkspaceMember {
  return {
    id: row.id,
    userId: row.accountId,
    email: row.email,
    role: row.role as Role,
    createdAt: row.createdAt,
    displayName: row.displayName ?? undefined,
    profilePicture: row.profilePicture ?? undefined,
  }
}

export async function findMember(db: Db, workspaceId: string, memberId: string): Promise<MemberRow> {
  const row = await selectMembers(db).where('workspaceMembers.workspaceId', '=', workspaceId).where('workspaceMembers.id', '=', memberId).executeTakeFirst()
  if (!row) throw notFound('Workspace member', memberId)
  return row
}

/** A member may give only roles up to its own, and change only members who do not outrank it. */
export function assertMayAssign(callerRole: string, role: string, what: string): void {
  if (roleRank(role) > roleRank(callerRole)) throw forbidden(`The ${callerRole} role may not ${what} the ${role} role: it outranks yours`)
}

/**
 * Serializes changes to one workspace's members: on PostgreSQL a row lock on the workspace, so two
 * concurrent demotions cannot both see "another owner remains". SQLite runs one write transaction at a time.
 */
export async function lockWorkspace(trx: Db, dialect: DialectName, workspaceId: string): Promise<void> {
  let query = trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId)
  if (dialect === 'postgres') query = query.forUpdate()
  if (!(await query.executeTakeFirst())) throw notFound('Workspace', workspaceId)
}

/** Refuses to leave the workspace without an owner once `memberId` stops being one. */
export async function assertAnotherOwner(trx: Db, workspaceId: string, memberId: string): Promise<void> {
  const other = await trx
    .selectFrom('workspaceMembers')
    .select('id')
    .where('workspaceId', '=', workspaceId)
    .where('role', '=', 'owner')
    .where('id', '<>', memberId)
    .executeTakeFirst()
  if (!other) throw forbidden(`A workspace keeps at least one owner: member "${memberId}" is the last owner of workspace "${workspaceId}"; make another member owner first`)
}

/** Keeps `workspaces.ownerId` on an account that is still an owner (the longest-standing one). */
export async function syncOwnerColumn(trx: Db, workspaceId: string, now: string): Promise<void> {
  const workspace = await trx.selectFrom('workspaces').select('ownerId').where('id', '=', workspaceId).executeTakeFirstOrThrow()
  const owners = await trx
    .selectFrom('workspaceMembers')
    .select('accountId')
    .where('workspaceId', '=', workspaceId)
    .where('role', '=', 'owner')
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
  if (!owners.length || owners.some((o) => o.accountId === workspace.ownerId)) return
  await trx.updateTable('workspaces').set({ ownerId: owners[0]!.accountId, updatedAt: now }).where('id', '=', workspaceId).execute()
}
