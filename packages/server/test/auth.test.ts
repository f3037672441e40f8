import { it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { generateToken, hashToken } from '../src/auth/tokens.js'
import { newId } from '../src/ids.js'
import { clientFor, describeEachStore } from './support.js'
import { assertErrorEnvelope, createOtherAccount, expectApiError, raw, type OtherAccount } from './admin-support.js'

const DENIED = { code: [403, 404], type: ['Forbidden', 'ResourceNotFound'] }

describeEachStore('auth: bearer tokens', ({ server }) => {
  it('no token, a malformed header or an unknown token: 401 Unauthorized', async () => {
    const botPath = `/v1/admin/bots/${server().botId}`
    assertErrorEnvelope(await raw(server(), 'GET', botPath, { token: null }), 401, 'Unauthorized', /bearer token/i)
    assertErrorEnvelope(await raw(server(), 'GET', botPath, { token: null, headers: { authorization: `Basic ${server().token}` } }), 401, 'Unauthorized')
    assertErrorEnvelope(await raw(server(), 'GET', '/v1/chat/users', { token: 'bp_pat_not-a-real-token' }), 401, 'Unauthorized')
    await expectApiError(clientFor(server(), { token: 'bp_pat_unknown' }).getAccount({}), { code: 401, type: 'Unauthorized' })
  })

  it('authentication comes before everything else: an unsupported operation without a token is still 401', async () => {
    // 405 (no handler) is only answered to an authenticated caller.
    const invoices = `/v1/admin/workspaces/${server().workspaceId}/billing/invoices`
    assertErrorEnvelope(await raw(server(), 'GET', invoices, { token: null }), 401, 'Unauthorized')
    assertErrorEnvelope(await raw(server(), 'GET', invoices), 405, 'MethodNotFound')
  })

  it('a personal access token acts on the bot named by x-bot-id, in its account\'s workspaces', async () => {
    const client = clientFor(server())
    const { user } = await client.createUser({ tags: {}, name: 'Ada' })
    assert.equal((await client.getUser({ id: user.id })).user.name, 'Ada')

    const { bot: second } = await client.createBot({ name: 'second' })
    const onSecond = clientFor(server(), { botId: second.id })
    await expectApiError(onSecond.getUser({ id: user.id }), { code: 404 })
    assert.equal((await onSecond.listUsers({})).users.length, 0, 'users belong to the bot they were made on')

    await expectApiError(clientFor(server(), { botId: 'bot_01J00000000000000000000000' }).listUsers({}), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(clientFor(server(), { botId: undefined }).listUsers({}), { code: 400, message: /x-bot-id/ })
  })

  it('tokens are stored as hashes only', async () => {
    const client = clientFor(server())
    const { pat } = await client.createPersonalAccessToken({ note: 'hash check' })
    const bak = await client.createBotApiKey({ botId: server().botId, note: 'hash check' })
    const rows = await server().server.store.db.selectFrom('tokens').selectAll().execute()
    const dump = JSON.stringify(rows)
    for (const secret of [pat.value, bak.value, server().token]) {
      assert.equal(dump.includes(secret), false, 'no token value is stored')
      const hash = createHash('sha256').update(secret).digest('hex')
      assert.equal(rows.filter((r) => r.hash === hash).length, 1, 'its SHA-256 is')
    }
  })

  it('a deleted personal access token stops working at once', async () => {
    const client = clientFor(server())
    const { pat } = await client.createPersonalAccessToken({ note: 'revoked' })
    const revoked = clientFor(server(), { token: pat.value })
    await revoked.getAccount({})
    await revoked.listUsers({})
    await client.deletePersonalAccessToken({ id: pat.id })
    await expectApiError(revoked.getAccount({}), { code: 401, type: 'Unauthorized' })
    await expectApiError(revoked.listUsers({}), { code: 401, type: 'Unauthorized' })
  })

  it('a deleted bot API key stops working at once', async () => {
    const client = clientFor(server())
    const bak = await client.createBotApiKey({ botId: server().botId })
    const keyClient = clientFor(server(), { token: bak.value })
    await keyClient.listUsers({})
    await client.deleteBotApiKey({ id: bak.id })
    await expectApiError(keyClient.listUsers({}), { code: 401, type: 'Unauthorized' })
    await expectApiError(keyClient.getBot({ id: server().botId }), { code: 401 })
  })
})

describeEachStore('auth: a bot API key acts on its own bot only', ({ server }) => {
  const setup = async () => {
    const admin = clientFor(server())
    const { bot: other } = await admin.createBot({ name: 'other bot' })
    const { user: otherUser } = await clientFor(server(), { botId: other.id }).createUser({ tags: {}, name: 'theirs' })
    const bak = await admin.createBotApiKey({ botId: server().botId, note: 'scoped' })
    return { admin, other, otherUser, bak }
  }

  it('reaches its own bot, with or without x-bot-id', async () => {
    const { bak } = await setup()
    const withHeader = clientFor(server(), { token: bak.value })
    const withoutHeader = clientFor(server(), { token: bak.value, botId: undefined, workspaceId: undefined })
    const { user } = await withoutHeader.createUser({ tags: {}, name: 'mine' })
    assert.equal((await withHeader.getUser({ id: user.id })).user.name, 'mine')
    assert.equal((await withoutHeader.getBot({ id: server().botId })).bot.id, server().botId)
    assert.ok((await withHeader.listBotApiKeys({ botId: server().botId })).baks.some((k) => k.id === bak.id))
    assert.equal((await withHeader.getWorkspace({ id: server().workspaceId })).id, server().workspaceId)
  })

  it('never reaches another bot, even in its own workspace', async () => {
    const { other, otherUser, bak } = await setup()
    const onOther = clientFor(server(), { token: bak.value, botId: other.id })
    await expectApiError(onOther.listUsers({}), { code: 403, type: 'Forbidden' })
    await expectApiError(onOther.getUser({ id: otherUser.id }), DENIED)
    await expectApiError(onOther.createUser({ tags: {} }), DENIED)
    const own = clientFor(server(), { token: bak.value })
    await expectApiError(own.getUser({ id: otherUser.id }), { code: 404 })
    await expectApiError(own.getBot({ id: other.id }), DENIED)
    await expectApiError(own.listBotApiKeys({ botId: other.id }), DENIED)
  })

  it('cannot administer: accounts, workspaces, bots and keys need a personal access token', async () => {
    const { admin, bak } = await setup()
    const key = clientFor(server(), { token: bak.value })
    const workspaceId = server().workspaceId
    const botId = server().botId
    const attempts: [string, () => Promise<unknown>][] = [
      ['getAccount', () => key.getAccount({})],
      ['createPersonalAccessToken', () => key.createPersonalAccessToken({ note: 'x' })],
      ['listPersonalAccessTokens', () => key.listPersonalAccessTokens({})],
      ['createWorkspace', () => key.createWorkspace({ name: 'x' })],
      ['listWorkspaces', () => key.listWorkspaces({})],
      ['updateWorkspace', () => key.updateWorkspace({ id: workspaceId, name: 'hijacked' })],
      ['deleteWorkspace', () => key.deleteWorkspace({ id: workspaceId })],
      ['createBot', () => key.createBot({ name: 'x' })],
      ['listBots', () => key.listBots({})],
      ['updateBot', () => key.updateBot({ id: botId, name: 'hijacked' })],
      ['deleteBot', () => key.deleteBot({ id: botId })],
      ['createBotApiKey', () => key.createBotApiKey({ botId })],
      ['deleteBotApiKey', () => key.deleteBotApiKey({ id: bak.id })],
    ]
    for (const [name, attempt] of attempts) await expectApiError(attempt(), { code: 403, type: 'Forbidden' }).catch((e) => assert.fail(`${name}: ${e.message}`))

    const other = await admin.createWorkspace({ name: 'elsewhere' })
    await expectApiError(key.getWorkspace({ id: other.id }), DENIED)
    const onOtherWorkspace = clientFor(server(), { token: bak.value, workspaceId: other.id })
    await expectApiError(onOtherWorkspace.getBot({ id: botId }), DENIED)

    const workspace = await admin.getWorkspace({ id: workspaceId })
    assert.notEqual(workspace.name, 'hijacked')
    assert.notEqual((await admin.getBot({ id: botId })).bot.name, 'hijacked')
    assert.ok((await admin.listBotApiKeys({ botId })).baks.some((k) => k.id === bak.id), 'the key was not deleted')
  })
})

describeEachStore('auth: an integration API key administers nothing', ({ server }) => {
  it('reads no workspace or bot, and changes none', async () => {
    const token = generateToken('integration')
    await server()
      .server.store.db.insertInto('tokens')
      .values({ id: newId('token'), kind: 'integration', hash: hashToken(token), accountId: null, workspaceId: server().workspaceId, botId: null, integrationId: 'intg_01J00000000000000000000000', note: '', createdAt: new Date().toISOString() })
      .execute()
    const key = clientFor(server(), { token })
    const { workspaceId, botId } = server()
    for (const attempt of [
      () => key.getWorkspace({ id: workspaceId }),
      () => key.getBot({ id: botId }),
      () => key.listBotApiKeys({ botId }),
      () => key.listBots({}),
      () => key.createBot({ name: 'x' }),
      () => key.updateBot({ id: botId, name: 'hijacked' }),
      () => key.createBotApiKey({ botId }),
      () => key.getAccount({}),
    ]) {
      await expectApiError(attempt(), { code: 403, type: 'Forbidden' })
    }
    assert.notEqual((await clientFor(server()).getBot({ id: botId })).bot.name, 'hijacked')
  })
})

describeEachStore('auth: another account never reaches the first account\'s data', ({ server }) => {
  let other: OtherAccount
  const firstData = async () => {
    const admin = clientFor(server())
    return {
      workspace: await admin.getWorkspace({ id: server().workspaceId }),
      bot: (await admin.getBot({ id: server().botId })).bot,
      users: (await admin.listUsers({})).users,
      pats: (await admin.listPersonalAccessTokens({})).pats,
      baks: (await admin.listBotApiKeys({ botId: server().botId })).baks,
    }
  }

  it('its own token works in its own workspace only', async () => {
    other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    assert.equal((await stranger.getAccount({})).account.id, other.accountId)
    assert.deepEqual((await stranger.listWorkspaces({})).workspaces.map((w) => w.id), [other.workspaceId])
    assert.equal((await stranger.getBot({ id: other.botId })).bot.name, 'Other bot')
    assert.deepEqual((await stranger.listBots({})).bots.map((b) => b.id), [other.botId])
    await stranger.createUser({ tags: {}, name: 'stranger user' })
  })

  it('reads nothing of the first workspace or its bot', async () => {
    const admin = clientFor(server())
    const { user } = await admin.createUser({ tags: {}, name: 'private' })
    const bak = await admin.createBotApiKey({ botId: server().botId })
    const before = await firstData()

    // The stranger names the first workspace and bot in its headers...
    const intruder = clientFor(server(), { token: other.token })
    await expectApiError(intruder.getWorkspace({ id: server().workspaceId }), DENIED)
    await expectApiError(intruder.getBot({ id: server().botId }), DENIED)
    await expectApiError(intruder.listBots({}), DENIED)
    await expectApiError(intruder.listBotApiKeys({ botId: server().botId }), DENIED)
    await expectApiError(intruder.listUsers({}), DENIED)
    await expectApiError(intruder.getUser({ id: user.id }), DENIED)
    // ...or its own workspace while asking for the first one's bot and records.
    const ownWorkspace = clientFor(server(), { token: other.token, workspaceId: other.workspaceId })
    await expectApiError(ownWorkspace.getBot({ id: server().botId }), DENIED)
    await expectApiError(ownWorkspace.listBotApiKeys({ botId: server().botId }), DENIED)
    await expectApiError(ownWorkspace.listUsers({}), DENIED)
    const onOwnBot = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    await expectApiError(onOwnBot.getUser({ id: user.id }), { code: 404 })
    assert.equal((await onOwnBot.listUsers({})).users.some((u) => u.id === user.id), false)
    assert.equal((await onOwnBot.listPersonalAccessTokens({})).pats.length, 1, 'only its own token')

    assert.deepEqual(await firstData(), before)
    await admin.deleteBotApiKey({ id: bak.id })
  })

  it('changes nothing of the first workspace or its bot', async () => {
    const admin = clientFor(server())
    const { pat } = await admin.createPersonalAccessToken({ note: 'keep' })
    const bak = await admin.createBotApiKey({ botId: server().botId, note: 'keep' })
    const { user } = await admin.createUser({ tags: {}, name: 'keep' })
    const before = await firstData()

    for (const intruder of [
      clientFor(server(), { token: other.token }),
      clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId }),
    ]) {
      await expectApiError(intruder.updateWorkspace({ id: server().workspaceId, name: 'pwned' }), DENIED)
      await expectApiError(intruder.deleteWorkspace({ id: server().workspaceId }), DENIED)
      await expectApiError(intruder.updateBot({ id: server().botId, name: 'pwned' }), DENIED)
      await expectApiError(intruder.deleteBot({ id: server().botId }), DENIED)
      await expectApiError(intruder.createBotApiKey({ botId: server().botId }), DENIED)
      await expectApiError(intruder.deleteBotApiKey({ id: bak.id }), DENIED)
      await expectApiError(intruder.deletePersonalAccessToken({ id: pat.id }), DENIED)
      await expectApiError(intruder.updateUser({ id: user.id, name: 'pwned' }), DENIED)
      await expectApiError(intruder.deleteUser({ id: user.id }), DENIED)
    }
    await expectApiError(clientFor(server(), { token: other.token }).createBot({ name: 'planted' }), DENIED)
    await expectApiError(clientFor(server(), { token: other.token }).createUser({ tags: {}, name: 'planted' }), DENIED)

    assert.deepEqual(await firstData(), before)
    assert.equal((await admin.getUser({ id: user.id })).user.name, 'keep')
    assert.equal((await clientFor(server(), { token: pat.value }).getAccount({})).account.email, 'admin@bpkit.local', 'its token still works')
  })
})
