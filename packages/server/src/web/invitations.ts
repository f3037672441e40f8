import type { FastifyRequest } from 'fastify'
import type { Principal } from '../auth/principal.js'
import type { Services } from '../context.js'
import { ApiError, alreadyExists, forbidden, invalidPayload } from '../errors.js'
import { memberHandlers, normalizeEmail } from '../members/members.js'
import { membersSection } from '../members/index.js'
import { assertMayAssign } from '../members/member-model.js'
import { isRole, roleRank, ROLES, type Role } from '../members/roles.js'
import { bodyObject, contextFor, requiredString } from './access.js'
import { createSignInLink, type SignInLink } from './codes.js'

/** Who may invite: the workspace's owners and administrators. */
const INVITERS = new Set(['owner', 'administrator'])

/**
 * `POST /auth/invitations { email, workspaceId, role }`: makes the account (when the e-mail has none) a member
 * of the workspace with `role`, through `createWorkspaceMember` (its checks, its audit record), and answers a
 * one-time link that signs that account in. An invitation link is a sign-in as that account, so it is only
 * given for an account the inviter already controls: every workspace the account is a member of must be one
 * the inviter owns or administers, with no role there above the inviter's.
 */
export async function invite(services: Services, principal: Principal, request: FastifyRequest, body: unknown): Promise<SignInLink> {
  const input = bodyObject(body)
  const email = normalizeEmail(requiredString(input, 'email'))
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw invalidPayload(`Invalid "email": ${JSON.stringify(email)} is not an e-mail address`)
  const workspaceId = requiredString(input, 'workspaceId')
  const role = requiredString(input, 'role')
  if (!isRole(role)) throw invalidPayload(`Invalid "role": ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`)
  if (principal.kind !== 'account') throw forbidden('Inviting a member needs a personal access token or a dashboard session')

  const ctx = contextFor(services, principal, request, 'createWorkspaceMember', { 'x-workspace-id': workspaceId })
  const caller = await ctx.workspace()
  if (!INVITERS.has(caller.role)) throw forbidden(`Only an owner or an administrator of workspace "${workspaceId}" invites members; your role is ${caller.role}`)
  assertMayAssign(caller.role, role, 'give')

  const db = services.store.db
  const existing = await db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirst()
  if (existing) {
    const memberships = await db.selectFrom('workspaceMembers').select(['workspaceId', 'role']).where('accountId', '=', existing.id).execute()
    const callerRoles = new Map(
      (await db.selectFrom('workspaceMembers').select(['workspaceId', 'role']).where('accountId', '=', principal.accountId).execute()).map((m) => [m.workspaceId, m.role]),
    )
    for (const m of memberships) {
      const mine = callerRoles.get(m.workspaceId)
      if (!mine || !INVITERS.has(mine) || roleRank(m.role) > roleRank(mine)) {
        throw forbidden(
          `"${email}" already has an account with access you do not administer: an invitation link would sign you in as it. ` +
            'Add it with createWorkspaceMember instead; it signs in with its own token (`bpkit open`)',
        )
      }
    }
    const here = memberships.find((m) => m.workspaceId === workspaceId)
    if (here && here.role !== role) {
      throw alreadyExists(`"${email}" is already a member of workspace "${workspaceId}" with role ${here.role}: change it with updateWorkspaceMember`)
    }
    if (here) return createSignInLink(services, existing.id, 'invitation')
  }

  ctx.input = { email, role }
  ctx.output = await memberHandlers.createWorkspaceMember!({ email, role: role as Role }, ctx)
  await membersSection.beforeReply?.(ctx).catch((err: unknown) => request.log.warn({ err }, 'invitation: audit record failed'))
  const account = await db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirst()
  if (!account) throw new ApiError('ResourceLockedConflict', `The account of "${email}" was removed meanwhile; invite again`)
  return createSignInLink(services, account.id, 'invitation')
}
