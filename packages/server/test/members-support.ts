/**
 * Helpers of the members, roles, audit and account tests: a workspace of their own, and accounts that are
 * members of it with a given role, each with its own personal access token.
 */
import type { TestServer } from '@bpkit/server'
import { generateToken, hashToken } from '../src/auth/tokens.js'
import { newId } from '../src/ids.js'
import type { Role } from '../src/members/roles.js'
import { clientFor } from './support.js'

export type Member = { accountId: string; memberId: string; email: string; token: string; role: Role }

/** A personal access token for an account, inserted straight into the store (the API only makes one for the caller). */
export async function tokenFor(server: TestServer, accountId: string): Promise<string> {
  const token = generateToken('pat')
  await server.server.store.db
    .insertInto('tokens')
    .values({ id: newId('token'), kind: 'pat', hash: hashToken(token), accountId, workspaceId: null, botId: null, integrationId: null, note: 'test', createdAt: new Date().toISOString() })
    .execute()
  return token
}

/** A new workspace of the first account (its owner), with one bot in it. */
export async function createWorkspaceWithBot(server: TestServer, name: string): Promise<{ workspaceId: string; botId: string }> {
  const owner = clientFor(server, { botId: undefined, workspaceId: undefined })
  const workspace = await owner.createWorkspace({ name })
  const { bot } = await clientFor(server, { workspaceId: workspace.id, botId: undefined }).createBot({ name: `${name} bot` })
  return { workspaceId: workspace.id, botId: bot.id }
}

/** Adds a member with `role` to `workspaceId` through createWorkspaceMember (as the first account), and gives it a token. */
export async function addMember(server: TestServer, workspaceId: string, role: Role, email = `${role}.${newId('member').slice(-8).toLowerCase()}@example.com`): Promise<Member> {
  const member = await clientFor(server, { workspaceId, botId: undefined }).createWorkspaceMember({ email, role })
  return { accountId: member.userId!, memberId: member.id, email: member.email, token: await tokenFor(server, member.userId!), role }
}
