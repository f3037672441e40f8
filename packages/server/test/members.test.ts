import { before, it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { expectApiError } from './admin-support.js'
import { addMember, createWorkspaceWithBot } from './members-support.js'
import { createOtherAccount } from './admin-support.js'

describeEachStore('members: adding, listing, changing and removing members', ({ server }) => {
  let workspaceId: string
  const asOwner = () => clientFor(server(), { workspaceId, botId: undefined })
  const as = (token: string) => clientFor(server(), { token, workspaceId, botId: undefined })

  before(async () => {
    ;({ workspaceId } = await createWorkspaceWithBot(server(), 'Members'))
  })

  it('createWorkspaceMember adds an unknown e-mail as a new account; list, get, update and delete it', async () => {
    const owner = asOwner()
    const created = await owner.createWorkspaceMember({ email: 'Ada@Example.com', role: 'developer' })
    assert.match(created.id, /^mbr_/)
    assert.match(created.userId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'userId is the account id, a UUID')
    assert.equal(created.email, 'ada@example.com', 'e-mails are stored lower-case')
    assert.equal(created.role, 'developer')

    await expectApiError(owner.createWorkspaceMember({ email: 'ADA@example.com', role: 'viewer' }), { code: 409, type: 'AlreadyExists' })

    const { members } = await owner.listWorkspaceMembers({})
    assert.deepEqual(members.map((m) => m.role), ['owner', 'developer'], 'the creator (owner) first, then the new member')
    assert.deepEqual(members[1], created)

    const me = await owner.getWorkspaceMember({})
    assert.equal(me.role, 'owner')
    assert.equal(me.email, 'admin@bpkit.local')

    const updated = await owner.updateWorkspaceMember({ id: created.id, role: 'manager' })
    assert.equal(updated.role, 'manager')

    await owner.deleteWorkspaceMember({ id: created.id })
    assert.deepEqual((await owner.listWorkspaceMembers({})).members.map((m) => m.role), ['owner'])
    await expectApiError(owner.deleteWorkspaceMember({ id: created.id }), { code: 404, type: 'ResourceNotFound' })
  })

  it('the new member acts in the workspace with its role, and an existing account joins without a new one', async () => {
    const viewer = await addMember(server(), workspaceId, 'viewer')
    const client = as(viewer.token)
    assert.equal((await client.getWorkspaceMember({})).role, 'viewer')
    assert.equal((await client.getWorkspace({ id: workspaceId })).id, workspaceId)
    await expectApiError(client.createBot({ name: 'nope' }), { code: 403, type: 'Forbidden', message: /The viewer role may not call "createBot"/ })

    const second = await createWorkspaceWithBot(server(), 'Second')
    const again = await clientFor(server(), { workspaceId: second.workspaceId, botId: undefined }).createWorkspaceMember({ email: viewer.email, role: 'developer' })
    assert.equal(again.userId, viewer.accountId, 'the same account, now in two workspaces')
    const { workspaces } = await clientFor(server(), { token: viewer.token, workspaceId: undefined, botId: undefined }).listWorkspaces({})
    assert.deepEqual(workspaces.map((w) => w.id).sort(), [workspaceId, second.workspaceId].sort())
  })

  it('nobody gives a role above their own or changes a member who outranks them', async () => {
    const manager = as((await addMember(server(), workspaceId, 'manager')).token)
    const admin = await addMember(server(), workspaceId, 'administrator')

    await expectApiError(manager.createWorkspaceMember({ email: 'boss@example.com', role: 'administrator' }), { code: 403, message: /may not give the administrator role/ })
    const dev = await manager.createWorkspaceMember({ email: 'dev@example.com', role: 'developer' })
    assert.equal((await manager.updateWorkspaceMember({ id: dev.id, role: 'manager' })).role, 'manager')
    await expectApiError(manager.updateWorkspaceMember({ id: dev.id, role: 'owner' }), { code: 403, message: /may not give the owner role/ })
    await expectApiError(manager.updateWorkspaceMember({ id: admin.memberId, role: 'viewer' }), { code: 403, message: /may not change a member with the administrator role/ })
    await expectApiError(manager.deleteWorkspaceMember({ id: admin.memberId }), { code: 403, message: /may not remove a member with the administrator role/ })
    assert.equal((await asOwner().listWorkspaceMembers({})).members.find((m) => m.id === admin.memberId)?.role, 'administrator', 'nothing changed')

    await expectApiError(as(admin.token).updateWorkspaceMember({ id: dev.id, role: 'owner' }), { code: 403, message: /administrator role may not give the owner role/ })
  })

  it('a workspace never loses its last owner; ownerId follows the owners', async () => {
    const { workspaceId: id } = await createWorkspaceWithBot(server(), 'Owners')
    const owner = clientFor(server(), { workspaceId: id, botId: undefined })
    const me = await owner.getWorkspaceMember({})

    await expectApiError(owner.updateWorkspaceMember({ id: me.id, role: 'administrator' }), { code: 403, message: /last owner/ })
    await expectApiError(owner.deleteWorkspaceMember({ id: me.id }), { code: 403, message: /last owner/ })

    const heir = await addMember(server(), id, 'owner')
    await owner.updateWorkspaceMember({ id: me.id, role: 'administrator' })
    assert.equal((await owner.getWorkspace({ id })).ownerId, heir.accountId, 'ownerId moves to the remaining owner')
    await expectApiError(clientFor(server(), { token: heir.token, workspaceId: id, botId: undefined }).deleteWorkspaceMember({ id: heir.memberId }), { code: 403, message: /last owner/ })
  })

  it('two owners demoting each other at once: exactly one succeeds', async () => {
    const { workspaceId: id } = await createWorkspaceWithBot(server(), 'Race')
    const first = clientFor(server(), { workspaceId: id, botId: undefined })
    const me = await first.getWorkspaceMember({})
    const other = await addMember(server(), id, 'owner')
    const second = clientFor(server(), { token: other.token, workspaceId: id, botId: undefined })
    const results = await Promise.allSettled([
      first.updateWorkspaceMember({ id: me.id, role: 'viewer' }),
      second.updateWorkspaceMember({ id: other.memberId, role: 'viewer' }),
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)))
    const owners = (await clientFor(server(), { workspaceId: id, botId: undefined, token: results[0].status === 'fulfilled' ? other.token : server().token }).listWorkspaceMembers({})).members.filter((m) => m.role === 'owner')
    assert.equal(owners.length, 1)
  })

  it('an account outside the workspace sees and changes none of its members', async () => {
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId, botId: undefined })
    await expectApiError(stranger.listWorkspaceMembers({}), { code: 404 })
    await expectApiError(stranger.createWorkspaceMember({ email: 'x@example.com', role: 'owner' }), { code: 404 })
    const { members } = await asOwner().listWorkspaceMembers({})
    await expectApiError(stranger.deleteWorkspaceMember({ id: members[0]!.id }), { code: 404 })
    // A member id of another workspace is not found in the caller's own workspace.
    await expectApiError(clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: undefined }).updateWorkspaceMember({ id: members[0]!.id, role: 'viewer' }), { code: 404 })
  })

  it('bad input changes nothing', async () => {
    const owner = asOwner()
    const before = (await owner.listWorkspaceMembers({})).members.length
    await expectApiError(owner.createWorkspaceMember({ email: 'not-an-email', role: 'viewer' }), { code: 400, message: /email/ })
    await expectApiError(owner.createWorkspaceMember({ email: 'x@example.com', role: 'king' as 'owner' }), { code: 400, message: /role/ })
    assert.equal((await owner.listWorkspaceMembers({})).members.length, before)
  })
})
