import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { expectApiError } from './admin-support.js'

describeEachStore('admin: account and personal access tokens', ({ server }) => {
  it('getAccount returns the account behind the token', async () => {
    const { account } = await clientFor(server()).getAccount({})
    assert.match(account.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'an account id is a UUID')
    assert.equal(account.email, 'admin@bpkit.local')
    assert.equal(account.emailVerified, true)
    assert.ok(Date.parse(account.createdAt))
  })

  it('creates a token shown once, lists it without its value, deletes it', async () => {
    const client = clientFor(server())
    const { pat } = await client.createPersonalAccessToken({ note: 'ci' })
    assert.match(pat.value, /^bp_pat_/)
    assert.equal(pat.note, 'ci')

    const created = clientFor(server(), { token: pat.value })
    assert.equal((await created.getAccount({})).account.email, 'admin@bpkit.local')

    const { pats } = await client.listPersonalAccessTokens({})
    const listed = pats.find((p) => p.id === pat.id)
    assert.deepEqual(listed, { id: pat.id, createdAt: pat.createdAt, note: 'ci' })

    await client.deletePersonalAccessToken({ id: pat.id })
    assert.equal((await client.listPersonalAccessTokens({})).pats.some((p) => p.id === pat.id), false)
    await expectApiError(client.deletePersonalAccessToken({ id: pat.id }), { code: 404, type: 'ResourceNotFound' })
  })
})

describeEachStore('admin: workspaces', ({ server }) => {
  it('createWorkspace makes the caller its owner; get, list, update and delete it', async () => {
    const client = clientFor(server())
    const created = await client.createWorkspace({ name: 'Acme' })
    assert.match(created.id, /^wkspace_/)
    assert.equal(created.name, 'Acme')
    assert.equal(created.botCount, 0)
    assert.equal(created.plan, 'community')
    assert.equal(created.activeTrialId, null)
    const { account } = await client.getAccount({})
    assert.equal(created.ownerId, account.id)

    assert.deepEqual(await client.getWorkspace({ id: created.id }), created)

    const { workspaces } = await client.listWorkspaces({})
    assert.deepEqual(
      workspaces.map((w) => w.id),
      [server().workspaceId, created.id],
      'the bootstrap workspace first, then the new one',
    )
    assert.equal(workspaces[0]!.botCount, 1)

    const updated = await client.updateWorkspace({ id: created.id, name: 'Acme Inc', about: 'Bots', handle: 'acme-inc', spendingLimit: 50, socialAccounts: ['https://x.com/acme'] })
    assert.equal(updated.name, 'Acme Inc')
    assert.equal(updated.about, 'Bots')
    assert.equal(updated.handle, 'acme-inc')
    assert.equal(updated.spendingLimit, 50)
    assert.deepEqual(updated.socialAccounts, ['https://x.com/acme'])
    assert.ok(updated.updatedAt >= created.updatedAt)
    assert.deepEqual(await client.getWorkspace({ id: created.id }), updated)
    assert.deepEqual((await client.listWorkspaces({ handle: 'acme-inc' })).workspaces.map((w) => w.id), [created.id])

    await client.deleteWorkspace({ id: created.id })
    await expectApiError(client.getWorkspace({ id: created.id }), { code: 404, type: 'ResourceNotFound' })
    assert.equal((await client.listWorkspaces({})).workspaces.some((w) => w.id === created.id), false)
  })

  it('a workspace handle belongs to one workspace', async () => {
    const client = clientFor(server())
    const a = await client.createWorkspace({ name: 'A' })
    const b = await client.createWorkspace({ name: 'B' })
    await client.updateWorkspace({ id: a.id, handle: 'taken-handle' })
    await expectApiError(client.updateWorkspace({ id: b.id, handle: 'taken-handle', name: 'B2' }), { code: 409, type: 'AlreadyExists', message: /taken-handle/ })
    assert.equal((await client.getWorkspace({ id: b.id })).name, 'B', 'the refused update changed nothing')
    await client.deleteWorkspace({ id: a.id })
    await client.deleteWorkspace({ id: b.id })
  })

  it('listWorkspaces pages with nextToken', async () => {
    const client = clientFor(server())
    const made = []
    for (let i = 0; i < 22; i++) made.push((await client.createWorkspace({ name: `W${i}` })).id)
    const first = await client.listWorkspaces({})
    assert.equal(first.workspaces.length, 20)
    assert.ok(first.meta.nextToken)
    const second = await client.listWorkspaces({ nextToken: first.meta.nextToken })
    const ids = [...first.workspaces, ...second.workspaces].map((w) => w.id)
    assert.equal(new Set(ids).size, ids.length)
    for (const id of made) assert.ok(ids.includes(id))
    assert.equal(second.meta.nextToken, undefined)
    for (const id of made) await client.deleteWorkspace({ id })
  })

  it('deleting a workspace removes its bots and their keys', async () => {
    const client = clientFor(server())
    const workspace = await client.createWorkspace({ name: 'Doomed' })
    const inWorkspace = clientFor(server(), { workspaceId: workspace.id, botId: undefined })
    const { bot } = await inWorkspace.createBot({ name: 'doomed bot' })
    const key = await inWorkspace.createBotApiKey({ botId: bot.id, note: 'k' })
    assert.equal((await client.getWorkspace({ id: workspace.id })).botCount, 1)

    await client.deleteWorkspace({ id: workspace.id })
    const db = server().server.store.db
    assert.equal((await db.selectFrom('bots').select('id').where('workspaceId', '=', workspace.id).execute()).length, 0)
    assert.equal((await db.selectFrom('tokens').select('id').where('id', '=', key.id).execute()).length, 0)
    assert.equal((await db.selectFrom('workspaceMembers').select('id').where('workspaceId', '=', workspace.id).execute()).length, 0)
    await expectApiError(clientFor(server(), { token: key.value }).getBot({ id: bot.id }), { code: 401, type: 'Unauthorized' })
  })
})

describeEachStore('admin: bots', ({ server }) => {
  it('createBot stores the definition and fills every required field', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({
      name: 'support',
      description: 'answers questions',
      tags: { team: 'care' },
      states: { profile: { type: 'user', schema: { type: 'object' }, expiry: 60_000 } },
      events: { ping: { title: 'Ping', schema: { type: 'object' } } },
      recurringEvents: { nightly: { schedule: { cron: '0 0 * * *' }, type: 'ping', payload: {} } },
      actions: { greet: { input: { schema: {} }, output: { schema: {} } } },
      configuration: { data: { lang: 'en' }, schema: { type: 'object' } },
      user: { tags: { email: { title: 'E-mail' } } },
      conversation: { tags: { topic: {} } },
      message: { tags: { intent: {} } },
      medias: [{ url: 'https://example.com/a.png', name: 'a' }],
      code: 'export default {}',
    })
    assert.match(bot.id, /^bot_/)
    assert.equal(bot.name, 'support')
    assert.equal(bot.description, 'answers questions')
    assert.deepEqual(bot.tags, { team: 'care' })
    assert.equal(bot.states.profile!.expiry, 60_000)
    assert.equal(bot.events.ping!.title, 'Ping')
    assert.deepEqual(bot.recurringEvents.nightly, { schedule: { cron: '0 0 * * *' }, type: 'ping', payload: {}, failedAttempts: 0, lastFailureReason: null })
    assert.deepEqual(bot.configuration, { data: { lang: 'en' }, schema: { type: 'object' } })
    assert.deepEqual(bot.user.tags, { email: { title: 'E-mail' } })
    assert.deepEqual(bot.medias, [{ url: 'https://example.com/a.png', name: 'a' }])
    assert.deepEqual(bot.integrations, {})
    assert.deepEqual(bot.plugins, {})
    assert.deepEqual(bot.subscriptions, { events: null })
    assert.equal(bot.dev, false)
    assert.equal(bot.alwaysAlive, false)
    assert.equal(bot.status, 'active')
    assert.ok(bot.signingSecret.length >= 20)
    assert.ok(bot.deployedAt)
    assert.equal(bot.createdBy, (await client.getAccount({})).account.id)

    assert.deepEqual((await client.getBot({ id: bot.id })).bot, bot)
  })

  it('createBot without a name generates one; the bootstrap bot is complete too', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({})
    assert.match(bot.name, /^bot-/)
    const first = (await client.getBot({ id: server().botId })).bot
    assert.equal(first.name, 'Default bot')
    assert.ok(first.signingSecret)
  })

  it('updateBot merges maps, removes keys set to null, replaces the rest', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({
      name: 'to update',
      tags: { a: '1', b: '2' },
      states: { s1: { type: 'bot', schema: {} }, s2: { type: 'conversation', schema: {} } },
      events: { e1: { schema: {}, attributes: { x: '1', y: '2' } } },
    })
    const { bot: updated } = await client.updateBot({
      id: bot.id,
      name: 'updated',
      description: 'new',
      tags: { b: '', c: '3' },
      states: { s1: null, s3: { type: 'user', schema: {} } },
      events: { e1: { schema: { type: 'object' }, attributes: { x: '1', y: null } } },
      configuration: { data: { k: 'v' } },
      alwaysAlive: true,
      maxExecutionTime: 30,
      integrations: { gone: null },
    })
    assert.equal(updated.name, 'updated')
    assert.equal(updated.description, 'new')
    assert.deepEqual(updated.tags, { a: '1', c: '3' })
    assert.deepEqual(Object.keys(updated.states).sort(), ['s2', 's3'])
    assert.deepEqual(updated.events.e1, { schema: { type: 'object' }, attributes: { x: '1' } })
    assert.deepEqual(updated.configuration, { data: { k: 'v' }, schema: {} })
    assert.equal(updated.alwaysAlive, true)
    assert.equal(updated.maxExecutionTime, 30)
    assert.equal(updated.signingSecret, bot.signingSecret)
    assert.equal(updated.createdAt, bot.createdAt)
    assert.deepEqual((await client.getBot({ id: bot.id })).bot, updated)
  })

  it('installing an unknown integration or plugin answers 400 naming the entry, and changes nothing (installs: bots.test.ts)', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({ name: 'no integrations' })
    await expectApiError(client.updateBot({ id: bot.id, name: 'changed', integrations: { slack: { enabled: true } } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /"integrations\.slack": no integration "slack"/,
    })
    await expectApiError(client.updateBot({ id: bot.id, plugins: { hitl: { id: 'plug_x' } } }), { code: 400, message: /"plugins\.hitl"/ })
    assert.equal((await client.getBot({ id: bot.id })).bot.name, 'no integrations')
  })

  it('listBots filters by dev and tags, sorts and pages', async () => {
    const client = clientFor(server())
    const workspace = await client.createWorkspace({ name: 'Bots' })
    const inWorkspace = clientFor(server(), { workspaceId: workspace.id, botId: undefined })
    const made = []
    for (let i = 0; i < 23; i++) made.push((await inWorkspace.createBot({ name: `b${i}`, tags: { parity: i % 2 ? 'odd' : 'even' } })).bot)
    const devBot = (await inWorkspace.createBot({ name: 'dev', dev: true, tags: { parity: 'odd' } })).bot

    const first = await inWorkspace.listBots({})
    assert.equal(first.bots.length, 20)
    assert.equal(first.bots[0]!.id, made[22]!.id, 'newest first by default')
    const second = await inWorkspace.listBots({ nextToken: first.meta.nextToken })
    assert.equal(second.bots.length, 3)
    assert.equal(second.meta.nextToken, undefined)
    assert.deepEqual([...first.bots, ...second.bots].map((b) => b.id).sort(), made.map((b) => b.id).sort(), 'production bots only')

    const asc = await inWorkspace.listBots({ sortField: 'createdAt', sortDirection: 'asc' })
    assert.equal(asc.bots[0]!.id, made[0]!.id)
    assert.deepEqual(asc.bots[0], { id: made[0]!.id, name: 'b0', tags: { parity: 'even' }, createdAt: made[0]!.createdAt, updatedAt: made[0]!.updatedAt })

    const odd = await inWorkspace.listBots({ tags: { parity: 'odd' } })
    assert.equal(odd.bots.length, 11)
    assert.ok(odd.bots.every((b) => b.tags.parity === 'odd'))
    assert.deepEqual((await inWorkspace.listBots({ dev: true })).bots.map((b) => b.id), [devBot.id])

    await inWorkspace.updateBot({ id: made[0]!.id, description: 'touched' })
    assert.equal((await inWorkspace.listBots({ sortField: 'updatedAt', sortDirection: 'desc' })).bots[0]!.id, made[0]!.id)
    await client.deleteWorkspace({ id: workspace.id })
  })

  it('deleteBot removes the bot and its keys', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({ name: 'short lived' })
    const key = await client.createBotApiKey({ botId: bot.id })
    await client.deleteBot({ id: bot.id })
    await expectApiError(client.getBot({ id: bot.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(client.deleteBot({ id: bot.id }), { code: 404 })
    await expectApiError(clientFor(server(), { token: key.value, botId: bot.id }).getBot({ id: bot.id }), { code: 401 })
  })
})

describeEachStore('admin: bot API keys', ({ server }) => {
  it('creates a key shown once, lists it, deletes it', async () => {
    const client = clientFor(server())
    const key = await client.createBotApiKey({ botId: server().botId, note: 'webhook' })
    assert.match(key.value, /^bp_bak_/)
    assert.equal(key.note, 'webhook')
    assert.equal((await clientFor(server(), { token: key.value }).getBot({ id: server().botId })).bot.id, server().botId)

    const { baks } = await client.listBotApiKeys({ botId: server().botId })
    assert.deepEqual(baks.find((k) => k.id === key.id), { id: key.id, createdAt: key.createdAt, note: 'webhook' })

    await client.deleteBotApiKey({ id: key.id })
    assert.equal((await client.listBotApiKeys({ botId: server().botId })).baks.some((k) => k.id === key.id), false)
    await expectApiError(client.deleteBotApiKey({ id: key.id }), { code: 404, type: 'ResourceNotFound' })
  })

  it('a key without a note has an empty one; keys of an unknown bot are not found', async () => {
    const client = clientFor(server())
    const key = await client.createBotApiKey({ botId: server().botId })
    assert.equal(key.note, '')
    await expectApiError(client.createBotApiKey({ botId: 'bot_01J0000000000000000000NONE' }), { code: 404, message: /Bot/ })
    await expectApiError(client.listBotApiKeys({ botId: 'bot_01J0000000000000000000NONE' }), { code: 404 })
    await client.deleteBotApiKey({ id: key.id })
  })
})
