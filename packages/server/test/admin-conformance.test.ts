/**
 * Response conformance of the operations that show an account id (a member's or an audit record's
 * `userId` is `format: uuid` in the spec; the account, a workspace's owner, a bot's creator and allowlist,
 * `introspect`): the raw body of each answer validates against the spec's response schema.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { publicOperations, type PublicOperationName } from '@bpkit/spec'
import { describeEachStore } from './support.js'
import { rawCall } from './chat-helpers.js'
import { assertConforms } from './conformance-support.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describeEachStore('admin: answers that carry account ids conform to the spec', ({ server }) => {
  it('account, workspaces, members, audit records, bots, allowlist and introspect', async () => {
    const checked = new Set<string>()
    const call = async (op: PublicOperationName, input: Record<string, any>, auth: { token?: string; botId?: string; workspaceId?: string } = {}): Promise<any> => {
      const answer = await rawCall(server(), op, input, auth)
      assert.equal(answer.status, publicOperations[op].status, `${op} answered ${answer.status}: ${JSON.stringify(answer.body)}`)
      assertConforms(op, answer.body)
      checked.add(op)
      return answer.body
    }

    const { account } = await call('getAccount', {})
    assert.match(account.id, UUID)
    await call('updateAccount', { displayName: 'Admin' })

    const workspace = await call('createWorkspace', { name: 'Conformance' })
    assert.equal(workspace.ownerId, account.id)
    const inWorkspace = { workspaceId: workspace.id as string }
    await call('getWorkspace', { id: workspace.id })
    await call('updateWorkspace', { id: workspace.id, name: 'Conformance workspace' })
    await call('listWorkspaces', {})

    const member = await call('createWorkspaceMember', { email: 'conformance@example.com', role: 'developer' }, inWorkspace)
    assert.match(member.userId, UUID)
    await call('updateWorkspaceMember', { id: member.id, role: 'manager' }, inWorkspace)
    const { members } = await call('listWorkspaceMembers', {}, inWorkspace)
    assert.deepEqual(members.map((m: { userId: string }) => m.userId), [account.id, member.userId])
    assert.equal((await call('getWorkspaceMember', {}, inWorkspace)).userId, account.id)

    const { bot } = await call('createBot', { name: 'conformance' }, inWorkspace)
    assert.equal(bot.createdBy, account.id)
    await call('getBot', { id: bot.id }, inWorkspace)
    await call('updateBotAllowlist', { botId: bot.id, setting: 'SELECTED_USERS', users: { [member.userId]: true } }, inWorkspace)
    assert.deepEqual((await call('getBotAllowlist', { botId: bot.id }, inWorkspace)).users, [{ id: member.userId }])
    assert.equal((await call('introspect', { botId: bot.id }, inWorkspace)).userId, account.id)

    await call('updateBot', { id: bot.id, description: 'conformance' }, inWorkspace)

    const { records } = await call('getAuditRecords', { id: workspace.id }, inWorkspace)
    assert.ok(records.length >= 6 && records.every((r: { userId: string | null }) => r.userId === account.id))
    await call('deleteWorkspaceMember', { id: member.id }, inWorkspace)

    assert.equal(checked.size, 18)
  })
})
