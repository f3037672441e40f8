import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { addMember, createWorkspaceWithBot, tokenFor } from './members-support.js'

describeEachStore('account: profile, preferences and deletion', ({ server }) => {
  it('updateAccount sets the display name and picture, which members listings show', async () => {
    const client = clientFor(server())
    const { account } = await client.updateAccount({ displayName: 'Ada Admin', profilePicture: 'https://example.com/ada.png' })
    assert.equal(account.displayName, 'Ada Admin')
    assert.equal(account.profilePicture, 'https://example.com/ada.png')
    assert.deepEqual((await client.getAccount({})).account, account)
    assert.equal((await client.updateAccount({ refresh: true })).account.displayName, 'Ada Admin', 'fields not given are kept')
    const me = await client.getWorkspaceMember({})
    assert.equal(me.displayName, 'Ada Admin')
    await expectApiError(client.updateAccount({ displayName: 'x'.repeat(101) }), { code: 400, message: /displayName/ })
  })

  it('account preferences hold any JSON value per key, for that account only', async () => {
    const client = clientFor(server())
    assert.deepEqual(await client.getAccountPreference({ key: 'theme' }), { value: null }, 'a key never set reads as null')
    await client.setAccountPreference({ key: 'theme', value: { mode: 'dark', sizes: [1, 2] } })
    assert.deepEqual(await client.getAccountPreference({ key: 'theme' }), { value: { mode: 'dark', sizes: [1, 2] } })
    await client.setAccountPreference({ key: 'theme', value: 'light' })
    assert.deepEqual(await client.getAccountPreference({ key: 'theme' }), { value: 'light' })
    const other = await createOtherAccount(server())
    assert.deepEqual(await clientFor(server(), { token: other.token }).getAccountPreference({ key: 'theme' }), { value: null })
  })

  it('workspace preferences are per workspace; every member reads them, administrators set them', async () => {
    const { workspaceId } = await createWorkspaceWithBot(server(), 'Prefs')
    const owner = clientFor(server(), { workspaceId, botId: undefined })
    await owner.setWorkspacePreference({ key: 'onboarding', value: { done: true } })
    assert.deepEqual(await owner.getWorkspacePreference({ key: 'onboarding' }), { value: { done: true } })
    assert.deepEqual(await clientFor(server()).getWorkspacePreference({ key: 'onboarding' }), { value: null }, 'another workspace of the same account')
    const viewer = clientFor(server(), { token: (await addMember(server(), workspaceId, 'viewer')).token, workspaceId, botId: undefined })
    assert.deepEqual(await viewer.getWorkspacePreference({ key: 'onboarding' }), { value: { done: true } })
    await expectApiError(viewer.setWorkspacePreference({ key: 'onboarding', value: 1 }), { code: 403, message: /viewer role may not call "setWorkspacePreference"/ })
    const other = await createOtherAccount(server())
    await expectApiError(clientFor(server(), { token: other.token, workspaceId }).getWorkspacePreference({ key: 'onboarding' }), { code: 404 })
  })

  it('deleteAccount: leaves shared workspaces, deletes the ones it is alone in, and its tokens stop working', async () => {
    const shared = await createWorkspaceWithBot(server(), 'Shared')
    const leaving = await addMember(server(), shared.workspaceId, 'developer')
    const leaver = clientFor(server(), { token: leaving.token, workspaceId: undefined, botId: undefined })
    const solo = await leaver.createWorkspace({ name: 'Solo' })
    await clientFor(server(), { token: leaving.token, workspaceId: solo.id, botId: undefined }).createBot({ name: 'solo bot' })

    await leaver.deleteAccount({})
    await expectApiError(leaver.getAccount({}), { code: 401 })
    const db = server().server.store.db
    assert.equal(await db.selectFrom('workspaces').select('id').where('id', '=', solo.id).executeTakeFirst(), undefined, 'its solo workspace is gone')
    assert.equal((await db.selectFrom('bots').select('id').where('workspaceId', '=', solo.id).execute()).length, 0)
    assert.equal(await db.selectFrom('accounts').select('id').where('id', '=', leaving.accountId).executeTakeFirst(), undefined)

    const owner = clientFor(server(), { workspaceId: shared.workspaceId, botId: undefined })
    assert.equal((await owner.listWorkspaceMembers({})).members.some((m) => m.id === leaving.memberId), false)
    const [record] = (await owner.getAuditRecords({ id: shared.workspaceId })).records
    assert.equal(record!.action, 'REMOVE_WORKSPACE_MEMBER')
    assert.equal(record!.userEmail, leaving.email)
  })

  it('deleteAccount is refused while the account is the last owner of a workspace with other members', async () => {
    const other = await createOtherAccount(server())
    const otherClient = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: undefined })
    await otherClient.createWorkspaceMember({ email: 'colleague@example.com', role: 'administrator' })
    await expectApiError(otherClient.deleteAccount({}), { code: 403, message: /last owner/ })
    assert.equal((await otherClient.getAccount({})).account.id, other.accountId, 'nothing changed')

    // Once another member is owner, the account may go, and ownerId moves to the remaining owner.
    const colleague = (await otherClient.listWorkspaceMembers({})).members.find((m) => m.email === 'colleague@example.com')!
    await otherClient.updateWorkspaceMember({ id: colleague.id, role: 'owner' })
    await otherClient.deleteAccount({})
    const colleagueClient = clientFor(server(), { token: await tokenFor(server(), colleague.userId!), workspaceId: other.workspaceId, botId: undefined })
    assert.equal((await colleagueClient.getWorkspace({ id: other.workspaceId })).ownerId, colleague.userId)
  })
})

describeEachStore('public workspaces and handles', ({ server }) => {
  it('a workspace is in the public directory only once it is public, for any token', async () => {
    const { workspaceId } = await createWorkspaceWithBot(server(), 'Public Acme')
    const owner = clientFor(server(), { workspaceId, botId: undefined })
    const stranger = clientFor(server(), { token: (await createOtherAccount(server())).token })
    await expectApiError(stranger.getPublicWorkspace({ id: workspaceId }), { code: 404 })
    assert.equal((await stranger.listPublicWorkspaces({ workspaceIds: [workspaceId] })).workspaces.length, 0)

    await owner.updateWorkspace({ id: workspaceId, isPublic: true, handle: 'public-acme', about: 'We build bots', website: 'https://acme.example' })
    const profile = await stranger.getPublicWorkspace({ id: workspaceId })
    assert.equal(profile.name, 'Public Acme')
    assert.equal(profile.handle, 'public-acme')
    assert.equal(profile.about, 'We build bots')
    assert.equal('ownerId' in profile, false, 'no owner, plan or members in a public profile')

    assert.deepEqual((await stranger.listPublicWorkspaces({ search: 'ACME' })).workspaces.map((w) => w.id), [workspaceId])
    assert.deepEqual((await stranger.listPublicWorkspaces({ search: 'public-ac' })).workspaces.map((w) => w.id), [workspaceId])
    assert.deepEqual((await stranger.listPublicWorkspaces({ search: 'nothing like it' })).workspaces, [])
    assert.deepEqual((await stranger.listPublicWorkspaces({ search: '%' })).workspaces, [], '% is not a wildcard')

    await owner.updateWorkspace({ id: workspaceId, isPublic: false })
    await expectApiError(stranger.getPublicWorkspace({ id: workspaceId }), { code: 404 })
  })

  it('checkHandleAvailability says whether a handle is free and suggests free ones', async () => {
    const { workspaceId } = await createWorkspaceWithBot(server(), 'Handles')
    const client = clientFor(server(), { workspaceId, botId: undefined })
    assert.deepEqual(await client.checkHandleAvailability({ handle: 'fresh-handle' }), { available: true, suggestions: [] })
    await client.updateWorkspace({ id: workspaceId, handle: 'taken-handle' })
    await client.createWorkspace({ name: 'x' }).then((w) => clientFor(server(), { workspaceId: w.id, botId: undefined }).updateWorkspace({ id: w.id, handle: 'taken-handle-2' }))
    const taken = await client.checkHandleAvailability({ handle: 'taken-handle' })
    assert.equal(taken.available, false)
    assert.deepEqual(taken.suggestions, ['taken-handle-3', 'taken-handle-4', 'taken-handle-5'])
    assert.equal(taken.usedBy, undefined, 'a private workspace is not named')
    await client.updateWorkspace({ id: workspaceId, isPublic: true })
    assert.equal((await client.checkHandleAvailability({ handle: 'taken-handle' })).usedBy, workspaceId)
    assert.equal((await client.checkHandleAvailability({ handle: 'ab_' })).available, false, 'updateWorkspace would refuse it')
    await expectApiError(client.checkHandleAvailability({ handle: 'Not Valid' }), { code: 400, message: /handle/ })
  })
})
