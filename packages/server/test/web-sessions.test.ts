/**
 * Dashboard sign-in (WEB-CONTRACT.md "Sessions"): a one-time, short-lived link exchanged for an HttpOnly
 * SameSite=Strict session cookie, which the API answers as the account's personal access token, with the CSRF
 * header required on every state-changing request the cookie authenticates.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount } from './admin-support.js'
import { addMember } from './members-support.js'
import { assertBotpressError, follow, signIn, signInLink, web } from './web-support.js'

describeEachStore('web sessions', ({ server }) => {
  it('a sign-in link is a one-time code on this server, good for 10 minutes', async () => {
    const before = Date.now()
    const link = await signInLink(server())
    const url = new URL(link.url)
    assert.equal(url.origin, server().url)
    assert.equal(url.pathname, '/auth/sign-in')
    assert.ok((url.searchParams.get('code') ?? '').length >= 24)
    const ttl = Date.parse(link.expiresAt) - before
    assert.ok(ttl > 9 * 60_000 && ttl <= 10 * 60_000 + 1_000, `expires in ${ttl} ms`)
    // Only a hash of the code is stored.
    const rows = await server().server.store.db.selectFrom('webSignInCodes').select('hash').execute()
    assert.ok(rows.every((r) => r.hash !== url.searchParams.get('code')))
  })

  it('following the link sets an HttpOnly, SameSite=Strict session cookie and redirects 303 to / ; the code works once', async () => {
    const link = await signInLink(server())
    const response = await fetch(link.url, { redirect: 'manual' })
    assert.equal(response.status, 303)
    assert.equal(response.headers.get('location'), '/')
    const setCookie = response.headers.get('set-cookie')!
    assert.match(setCookie, /^bpkit_session=[\w-]{20,};/)
    assert.match(setCookie, /HttpOnly/)
    assert.match(setCookie, /SameSite=Strict/)
    assert.match(setCookie, /Path=\//)
    assert.doesNotMatch(setCookie, /Secure/, 'http public URL: no Secure flag')
    const again = await fetch(link.url, { redirect: 'manual' })
    assert.equal(again.status, 400)
    assert.match(again.headers.get('content-type')!, /text\/html/)
    assert.match(await again.text(), /already used, has expired, or is unknown/)
    assert.equal(again.headers.get('set-cookie'), null)
  })

  it('an unknown code, a missing code and an expired code answer the 400 page', async () => {
    const unknown = await fetch(`${server().url}/auth/sign-in?code=nope`, { redirect: 'manual' })
    assert.equal(unknown.status, 400)
    assert.match(await unknown.text(), /cannot be used/)
    const missing = await fetch(`${server().url}/auth/sign-in`, { redirect: 'manual' })
    assert.equal(missing.status, 400)
    const link = await signInLink(server())
    await server().server.store.db.updateTable('webSignInCodes').set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where('usedAt', 'is', null).execute()
    const expired = await fetch(link.url, { redirect: 'manual' })
    assert.equal(expired.status, 400)
  })

  it('next= redirects to a same-origin path only', async () => {
    for (const [next, location] of [
      ['/bots/bot_1?tab=events', '/bots/bot_1?tab=events'],
      ['//evil.example/x', '/'],
      ['https://evil.example/', '/'],
      ['/\\evil.example', '/'],
    ]) {
      const link = await signInLink(server())
      const response = await fetch(`${link.url}&next=${encodeURIComponent(next!)}`, { redirect: 'manual' })
      assert.equal(response.status, 303)
      assert.equal(response.headers.get('location'), location, next)
    }
  })

  it('GET /auth/session answers the account and a CSRF token; without a session 401', async () => {
    const session = await signIn(server())
    const answer = await web(server(), session, '/auth/session')
    assert.equal(answer.status, 200)
    assert.equal(answer.body.account.email, 'admin@bpkit.local')
    assert.equal(answer.body.account.displayName, 'Admin')
    assert.match(answer.body.account.id, /^[0-9a-f-]{36}$/)
    assert.equal(typeof answer.body.csrfToken, 'string')
    assertBotpressError(await web(server(), undefined, '/auth/session'), 401, 'Unauthorized')
    assertBotpressError(await web(server(), undefined, '/auth/session', { headers: { cookie: 'bpkit_session=forged' } }), 401, 'Unauthorized')
  })

  it('the API answers the cookie as the account personal token: reads, and writes with the CSRF header', async () => {
    const session = await signIn(server())
    const account = await web(server(), session, '/v1/admin/account/me')
    assert.equal(account.status, 200, JSON.stringify(account.body))
    assert.equal(account.body.account.email, 'admin@bpkit.local')
    const bots = await web(server(), session, '/v1/admin/bots', { headers: { 'x-workspace-id': server().workspaceId } })
    assert.equal(bots.status, 200)
    assert.ok(bots.body.bots.some((b: { id: string }) => b.id === server().botId))

    const created = await web(server(), session, '/v1/admin/bots', { body: { name: 'from the dashboard' }, headers: { 'x-workspace-id': server().workspaceId } })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    const noCsrf = await web(server(), session, '/v1/admin/bots', { body: { name: 'forged' }, headers: { 'x-workspace-id': server().workspaceId }, csrf: false })
    assertBotpressError(noCsrf, 403, 'Forbidden', /x-bpkit-csrf/)
    const wrongCsrf = await web(server(), session, '/v1/admin/bots', { body: { name: 'forged' }, headers: { 'x-workspace-id': server().workspaceId, 'x-bpkit-csrf': 'x'.repeat(43) }, csrf: false })
    assertBotpressError(wrongCsrf, 403, 'Forbidden')
    const deleted = await web(server(), session, `/v1/admin/bots/${created.body.bot.id}`, { method: 'DELETE', headers: { 'x-workspace-id': server().workspaceId }, csrf: false })
    assertBotpressError(deleted, 403, 'Forbidden')
  })

  it("the cookie carries the account's roles: a viewer's session reads but may not create a bot", async () => {
    const viewer = await addMember(server(), server().workspaceId, 'viewer')
    const session = await signIn(server(), viewer.token)
    assert.equal(session.accountId, viewer.accountId)
    const list = await web(server(), session, '/v1/admin/bots', { headers: { 'x-workspace-id': server().workspaceId } })
    assert.equal(list.status, 200)
    const create = await web(server(), session, '/v1/admin/bots', { body: { name: 'nope' }, headers: { 'x-workspace-id': server().workspaceId } })
    assertBotpressError(create, 403, 'Forbidden')
  })

  it("a session never reaches another account's workspace or bot", async () => {
    const other = await createOtherAccount(server())
    const session = await signIn(server())
    assertBotpressError(await web(server(), session, `/v1/admin/bots/${other.botId}`, { headers: { 'x-workspace-id': other.workspaceId } }), 404, 'ResourceNotFound')
    assertBotpressError(await web(server(), session, '/v1/chat/users', { headers: { 'x-bot-id': other.botId } }), 404, 'ResourceNotFound')
  })

  it('a bearer token wins over a cookie, and needs no CSRF header', async () => {
    const session = await signIn(server())
    const response = await web(server(), session, '/v1/admin/bots', {
      body: { name: 'by token' },
      headers: { 'x-workspace-id': server().workspaceId, authorization: `Bearer ${server().token}` },
      csrf: false,
    })
    assert.equal(response.status, 200)
  })

  it('POST /auth/sign-in-links needs an account: no token 401, a bot key 403, a session works too', async () => {
    assertBotpressError(await web(server(), undefined, '/auth/sign-in-links', { method: 'POST' }), 401, 'Unauthorized')
    const key = (await clientFor(server()).createBotApiKey({ botId: server().botId, note: 'web test' } as never)) as { value: string }
    const botKey = key.value
    const asBot = await web(server(), undefined, '/auth/sign-in-links', { method: 'POST', headers: { authorization: `Bearer ${botKey}` } })
    assertBotpressError(asBot, 403, 'Forbidden')
    const session = await signIn(server())
    const viaSession = await web(server(), session, '/auth/sign-in-links', { method: 'POST' })
    assert.equal(viaSession.status, 200)
    assertBotpressError(await web(server(), session, '/auth/sign-in-links', { method: 'POST', csrf: false }), 403, 'Forbidden')
  })

  it('sign-out needs the CSRF header, ends the session and clears the cookie', async () => {
    const session = await signIn(server())
    assertBotpressError(await web(server(), session, '/auth/sign-out', { method: 'POST', csrf: false }), 403, 'Forbidden')
    assert.equal((await web(server(), session, '/auth/session')).status, 200)
    const out = await web(server(), session, '/auth/sign-out', { method: 'POST' })
    assert.equal(out.status, 200)
    assert.match(out.headers.get('set-cookie')!, /^bpkit_session=; .*Max-Age=0/)
    assertBotpressError(await web(server(), session, '/auth/session'), 401, 'Unauthorized')
    assertBotpressError(await web(server(), session, '/v1/admin/account/me'), 401, 'Unauthorized')
    // Signing out with no session is harmless.
    assert.equal((await web(server(), undefined, '/auth/sign-out', { method: 'POST' })).status, 200)
  })

  it('two sessions of one account are independent, each with its own CSRF token', async () => {
    const a = await signIn(server())
    const b = await signIn(server())
    assert.notEqual(a.cookie, b.cookie)
    assert.notEqual(a.csrfToken, b.csrfToken)
    const crossed = await web(server(), a, '/v1/admin/bots', { body: { name: 'x' }, headers: { 'x-workspace-id': server().workspaceId, 'x-bpkit-csrf': b.csrfToken }, csrf: false })
    assertBotpressError(crossed, 403, 'Forbidden')
    await web(server(), a, '/auth/sign-out', { method: 'POST' })
    assert.equal((await web(server(), b, '/auth/session')).status, 200)
  })

  it('an invitation link from follow() signs in too (the link format is shared)', async () => {
    const session = await follow((await signInLink(server())).url)
    assert.ok(session.csrfToken)
  })
})
