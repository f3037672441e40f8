/**
 * Invitations (WEB-CONTRACT.md "Invitations"): an owner or administrator invites by e-mail; the member is made
 * through createWorkspaceMember's rules, and the one-time link (7 days) signs that account in, with its role.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount } from './admin-support.js'
import { addMember, createWorkspaceWithBot } from './members-support.js'
import { assertBotpressError, follow, signIn, web } from './web-support.js'

const unique = (what: string) => `${what}.${Math.random().toString(36).slice(2, 10)}@example.com`

describeEachStore('web invitations', ({ server }) => {
  const invite = (body: unknown, token = server().token) =>
    web(server(), undefined, '/auth/invitations', { body, headers: { authorization: `Bearer ${token}` } })

  it('an owner invites a new e-mail: the account is made a member, the link (7 days) signs it in once', async () => {
    const email = unique('new')
    const before = Date.now()
    const answer = await invite({ email, workspaceId: server().workspaceId, role: 'developer' })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    const days = (Date.parse(answer.body.expiresAt) - before) / 86_400_000
    assert.ok(days > 6.99 && days <= 7.001, `${days} days`)
    assert.match(answer.body.url, new RegExp(`^${server().url}/auth/sign-in\\?code=`))
    const { members } = await clientFor(server()).listWorkspaceMembers({})
    const member = members.find((m) => m.email === email)
    assert.equal(member?.role, 'developer')

    const session = await follow(answer.body.url)
    assert.equal(session.accountId, member!.userId)
    const me = await web(server(), session, '/v1/admin/account/me')
    assert.equal(me.body.account.email, email)
    // There it creates its own personal access token.
    const pat = await web(server(), session, '/v1/admin/account/pats', { body: { note: 'mine' } })
    assert.equal(pat.status, 200, JSON.stringify(pat.body))
    assert.match(pat.body.pat.value, /^bp_pat_/)
    const withToken = await web(server(), undefined, '/v1/admin/account/me', { headers: { authorization: `Bearer ${pat.body.pat.value}` } })
    assert.equal(withToken.body.account.email, email)
    // The link works once.
    assert.equal((await fetch(answer.body.url, { redirect: 'manual' })).status, 400)
  })

  it("an invited viewer signs in and cannot do what the viewer role forbids", async () => {
    const email = unique('viewer')
    const answer = await invite({ email, workspaceId: server().workspaceId, role: 'viewer' })
    const session = await follow(answer.body.url)
    const headers = { 'x-workspace-id': server().workspaceId }
    assert.equal((await web(server(), session, '/v1/admin/bots', { headers })).status, 200)
    assertBotpressError(await web(server(), session, '/v1/admin/bots', { body: { name: 'no' }, headers }), 403, 'Forbidden')
    // Nor invite anyone.
    assertBotpressError(await web(server(), session, '/auth/invitations', { body: { email: unique('x'), workspaceId: server().workspaceId, role: 'viewer' } }), 403, 'Forbidden')
  })

  it('works with a session and its CSRF header (the dashboard), and refuses it without', async () => {
    const session = await signIn(server())
    const body = { email: unique('csrf'), workspaceId: server().workspaceId, role: 'viewer' }
    assertBotpressError(await web(server(), session, '/auth/invitations', { body, csrf: false }), 403, 'Forbidden', /x-bpkit-csrf/)
    const answer = await web(server(), session, '/auth/invitations', { body })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
  })

  it('a manager may not invite (owners and administrators only); an administrator may, up to its own role', async () => {
    const manager = await addMember(server(), server().workspaceId, 'manager')
    assertBotpressError(await invite({ email: unique('m'), workspaceId: server().workspaceId, role: 'viewer' }, manager.token), 403, 'Forbidden')
    const admin = await addMember(server(), server().workspaceId, 'administrator')
    assert.equal((await invite({ email: unique('a'), workspaceId: server().workspaceId, role: 'developer' }, admin.token)).status, 200)
    assertBotpressError(await invite({ email: unique('o'), workspaceId: server().workspaceId, role: 'owner' }, admin.token), 403, 'Forbidden', /outranks/)
  })

  it("an existing account is invited only when the inviter administers all it can reach (the link signs in as it)", async () => {
    const other = await createOtherAccount(server())
    const otherEmail = `${other.accountId}@example.com`
    assertBotpressError(await invite({ email: otherEmail, workspaceId: server().workspaceId, role: 'viewer' }), 403, 'Forbidden', /already has an account/)
    const { members } = await clientFor(server()).listWorkspaceMembers({})
    assert.ok(!members.some((m) => m.email === otherEmail), 'nothing was created')
    // An administrator cannot get a link for the workspace's owner.
    const admin = await addMember(server(), server().workspaceId, 'administrator')
    assertBotpressError(await invite({ email: 'admin@bpkit.local', workspaceId: server().workspaceId, role: 'owner' }, admin.token), 403, 'Forbidden')
  })

  it('inviting a member again with the same role answers a fresh link; with another role 409', async () => {
    const email = unique('again')
    const first = await invite({ email, workspaceId: server().workspaceId, role: 'viewer' })
    const second = await invite({ email, workspaceId: server().workspaceId, role: 'viewer' })
    assert.equal(second.status, 200)
    assert.notEqual(first.body.url, second.body.url)
    assertBotpressError(await invite({ email, workspaceId: server().workspaceId, role: 'developer' }), 409, 'AlreadyExists', /updateWorkspaceMember/)
  })

  it("a workspace the caller is not a member of is not found; another workspace of the owner works", async () => {
    const other = await createOtherAccount(server())
    assertBotpressError(await invite({ email: unique('x'), workspaceId: other.workspaceId, role: 'viewer' }), 404, 'ResourceNotFound')
    const mine = await createWorkspaceWithBot(server(), 'invitations')
    assert.equal((await invite({ email: unique('y'), workspaceId: mine.workspaceId, role: 'viewer' })).status, 200)
  })

  it('bad input answers 400 naming the field; no credentials 401', async () => {
    const ws = server().workspaceId
    assertBotpressError(await invite({ workspaceId: ws, role: 'viewer' }), 400, 'InvalidPayload', /"email"/)
    assertBotpressError(await invite({ email: 'not-an-address', workspaceId: ws, role: 'viewer' }), 400, 'InvalidPayload', /"email"/)
    assertBotpressError(await invite({ email: unique('z'), role: 'viewer' }), 400, 'InvalidPayload', /"workspaceId"/)
    assertBotpressError(await invite({ email: unique('z'), workspaceId: ws, role: 'boss' }), 400, 'InvalidPayload', /"role"/)
    assertBotpressError(await invite({ email: 42, workspaceId: ws, role: 'viewer' }), 400, 'InvalidPayload', /"email"/)
    assertBotpressError(await invite([1, 2]), 400, 'InvalidPayload')
    assertBotpressError(await web(server(), undefined, '/auth/invitations', { body: { email: unique('z'), workspaceId: ws, role: 'viewer' } }), 401, 'Unauthorized')
  })
})
