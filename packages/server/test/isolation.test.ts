/**
 * Isolation, stated and tested: a bot API key reads and changes its own bot only; what covers the
 * workspace (members, preferences, audit trail, usage across its bots) is for members' tokens; an
 * integration key acts only for the bots that install its integration.
 */
import { before, it } from 'node:test'
import assert from 'node:assert/strict'
import { publicOperations } from '@bpkit/spec'
import { Client } from '@bpkit/client'
import { MEMBERS_ONLY } from '../src/members/roles.js'
import { assertErrorEnvelope, createOtherAccount, raw, type OtherAccount } from './admin-support.js'
import { insertBotInstalling } from './integrations-helpers.js'
import { clientFor, describeEachStore } from './support.js'

/** A valid request of each members-only operation (so that only the principal can make it fail). */
function membersOnlyRequests(workspaceId: string): { name: string; method: string; path: string; body?: object }[] {
  const bodies: Record<string, object> = {
    setWorkspacePreference: { value: 1 },
    createWorkspaceMember: { email: 'someone@example.com', role: 'viewer' },
    updateWorkspaceMember: { role: 'viewer' },
  }
  const queries: Record<string, string> = { breakDownWorkspaceUsageByBot: '?type=invocation_calls', listWorkspaceUsages: '?type=invocation_calls' }
  return [...MEMBERS_ONLY].map((name) => {
    const op = publicOperations[name as keyof typeof publicOperations]
    const path = op.path.replace('{id}', name.includes('Member') ? 'member_01J0000000000000000000NONE' : workspaceId).replace('{key}', 'k')
    return { name, method: op.method.toUpperCase(), path: path + (queries[name] ?? ''), body: bodies[name] }
  })
}

describeEachStore('isolation of bot and integration keys', ({ server }) => {
  let admin: Client
  let botKey: string
  let integrationKey: string
  let integrationId: string
  let siblingId: string
  let installerId: string
  let stranger: OtherAccount

  before(async () => {
    admin = clientFor(server(), { botId: undefined })
    siblingId = (await admin.createBot({ name: 'sibling' })).bot.id
    botKey = (await admin.createBotApiKey({ botId: server().botId, note: 'isolation' })).value
    integrationId = (await admin.createIntegration({ name: 'isolation-int', version: '0.1.0' })).integration.id
    integrationKey = (await admin.createIntegrationApiKey({ integrationId, note: 'isolation' })).value
    installerId = await insertBotInstalling(server(), server().workspaceId, { integrations: { isolation: integrationId } })
    stranger = await createOtherAccount(server())
  })

  it('members-only operations answer 403 to a bot key and an integration key, 2xx or 404 to the owner', async () => {
    for (const request of membersOnlyRequests(server().workspaceId)) {
      for (const [token, headers] of [
        [botKey, { 'x-bot-id': server().botId }],
        [integrationKey, { 'x-bot-id': installerId, 'x-integration-id': integrationId }],
      ] as const) {
        const response = await raw(server(), request.method, request.path, { token, body: request.body, headers })
        assertErrorEnvelope(response, 403, 'Forbidden', new RegExp(`(bot|integration) API key may not call "${request.name}"`))
      }
      const owner = await raw(server(), request.method, request.path, { body: request.body })
      assert.ok(owner.status < 300 || owner.status === 404, `${request.name} as the owner: ${owner.status} ${JSON.stringify(owner.body)}`)
    }
  })

  it('a bot key reads and changes its own bot, never a sibling', async () => {
    const own = await raw(server(), 'POST', '/v1/chat/users', { token: botKey, headers: { 'x-bot-id': server().botId }, body: { tags: {} } })
    assert.equal(own.status, 201)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/users', { token: botKey, headers: { 'x-bot-id': siblingId }, body: { tags: {} } }), 403, 'Forbidden')
    assertErrorEnvelope(await raw(server(), 'GET', `/v1/admin/bots/${siblingId}`, { token: botKey, headers: { 'x-bot-id': '' } }), 404, 'ResourceNotFound')
    assertErrorEnvelope(await raw(server(), 'GET', `/v1/admin/usages/${siblingId}?type=invocation_calls`, { token: botKey, headers: { 'x-bot-id': '' } }), 404, 'ResourceNotFound')
    assertErrorEnvelope(await raw(server(), 'GET', `/v1/admin/bots/baks?botId=${siblingId}`, { token: botKey, headers: { 'x-bot-id': '' } }), 404, 'ResourceNotFound')
    assertErrorEnvelope(await raw(server(), 'GET', '/v1/admin/bots', { token: botKey }), 403, 'Forbidden')
    const usage = await raw(server(), 'GET', `/v1/admin/usages/${server().botId}?type=invocation_calls`, { token: botKey })
    assert.equal(usage.status, 200, JSON.stringify(usage.body))
  })

  it("a bot key cannot reach another workspace's bot or workspace", async () => {
    assertErrorEnvelope(await raw(server(), 'GET', '/v1/chat/users', { token: botKey, headers: { 'x-bot-id': stranger.botId } }), 403, 'Forbidden')
    const workspace = await raw(server(), 'GET', `/v1/admin/workspaces/${stranger.workspaceId}`, { token: botKey, headers: { 'x-bot-id': '' } })
    assert.ok([403, 404].includes(workspace.status), JSON.stringify(workspace.body))
  })

  it('an integration key acts only for the bots installing its integration', async () => {
    const headers = (botId: string) => ({ 'x-bot-id': botId, 'x-integration-id': integrationId })
    const installed = await raw(server(), 'POST', '/v1/chat/users', { token: integrationKey, headers: headers(installerId), body: { tags: {} } })
    assert.equal(installed.status, 201, JSON.stringify(installed.body))
    for (const botId of [server().botId, siblingId, stranger.botId]) {
      assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/users', { token: integrationKey, headers: headers(botId), body: { tags: {} } }), 404, 'ResourceNotFound', new RegExp(botId))
      assertErrorEnvelope(await raw(server(), 'GET', '/v1/chat/conversations', { token: integrationKey, headers: headers(botId) }), 404, 'ResourceNotFound')
    }
  })
})
