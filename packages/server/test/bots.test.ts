import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { addMember, createWorkspaceWithBot } from './members-support.js'
import { botsSection } from '../src/bots/index.js'
import { integrationsSection } from '../src/integrations/index.js'
import { objectSchema, uniqueName } from './integrations-helpers.js'

/** Waits until `read` returns a value `accept` takes: what the server records runs just after it answers. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read()
    if (accept(value) || attempt === 50) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describeEachStore('bots: full definition with installed integrations and plugins', ({ server }) => {
  it('installs an integration by alias with checked configuration, and a plugin backed by it', async () => {
    const client = clientFor(server())
    const { integration } = await client.createIntegration({
      name: uniqueName('crm'),
      version: '1.0.0',
      configuration: { schema: { type: 'object', properties: { apiKey: { type: 'string' } }, required: ['apiKey'] } },
      configurations: { oauth: { schema: objectSchema({ clientId: { type: 'string' } }) } },
    })
    const { plugin } = await client.createPlugin({ name: uniqueName('tracker'), version: '1.0.0', code: { node: 'x', browser: 'y' } })
    const { bot } = await client.createBot({
      name: 'Full bot',
      states: { counter: { type: 'bot', schema: objectSchema({ n: { type: 'number' } }) } },
      events: { ping: { schema: objectSchema() } },
      recurringEvents: { hourly: { schedule: { cron: '0 * * * *' }, type: 'ping', payload: {} } },
      configuration: { data: { lang: 'en' }, schema: objectSchema({ lang: { type: 'string' } }) },
      tags: { team: 'support' },
    })
    assert.equal(bot.recurringEvents.hourly!.failedAttempts, 0)
    assert.deepEqual(bot.configuration.data, { lang: 'en' })

    await expectApiError(client.updateBot({ id: bot.id, integrations: { crm: { integrationId: integration.id, configuration: {} } } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /integrations\.crm\.configuration.*apiKey/,
    })
    await expectApiError(client.updateBot({ id: bot.id, integrations: { crm: { integrationId: 'intg_01JUNKUNKNOWNINTEGRATION00', configuration: {} } } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /no integration/,
    })
    await expectApiError(client.updateBot({ id: bot.id, integrations: { crm: { integrationId: integration.id, configurationType: 'saml', configuration: {} } } }), {
      code: 400,
      message: /configurationType/,
    })
    assert.deepEqual((await client.getBot({ id: bot.id })).bot.integrations, {}, 'refused installs change nothing')

    const { bot: installed } = await client.updateBot({
      id: bot.id,
      integrations: { crm: { integrationId: integration.id, configuration: { apiKey: 'k' }, disabledChannels: ['email'] } },
    })
    const crm = installed.integrations.crm!
    assert.equal(crm.id, integration.id)
    assert.equal(crm.name, integration.name)
    assert.equal(crm.version, '1.0.0')
    assert.equal(crm.enabled, true)
    assert.deepEqual(crm.configuration, { apiKey: 'k' })
    assert.equal(crm.configurationType, null)
    assert.deepEqual(crm.disabledChannels, ['email'])
    assert.equal(crm.status, 'registration_pending')

    const oauth = await client.updateBot({ id: bot.id, integrations: { crm: { configurationType: 'oauth', configuration: { clientId: 'c' }, enabled: false } } })
    assert.equal(oauth.bot.integrations.crm!.configurationType, 'oauth')
    assert.equal(oauth.bot.integrations.crm!.enabled, false)

    await expectApiError(client.updateBot({ id: bot.id, plugins: { tracking: { id: plugin.id, integrations: { store: { integrationId: integration.id, integrationAlias: 'nope' } } } } }), {
      code: 400,
      message: /plugins\.tracking\.integrations\.store/,
    })
    const withPlugin = await client.updateBot({
      id: bot.id,
      plugins: { tracking: { id: plugin.id, configuration: { level: 1 }, integrations: { store: { integrationId: integration.id, integrationAlias: 'crm' } } } },
    })
    assert.equal(withPlugin.bot.plugins.tracking!.id, plugin.id)
    assert.deepEqual(withPlugin.bot.plugins.tracking!.configuration, { level: 1 })
    assert.deepEqual(withPlugin.bot.plugins.tracking!.integrations, { store: { integrationId: integration.id, integrationAlias: 'crm' } })
    assert.deepEqual((await client.getBot({ id: bot.id })).bot.plugins, withPlugin.bot.plugins)

    // The integration is in use: the integrations section refuses to delete it.
    await expectApiError(client.deleteIntegration({ id: integration.id }), { code: [400, 409], type: 'ReferenceConstraint' })

    const removed = await client.updateBot({ id: bot.id, integrations: { crm: null }, plugins: { tracking: null } })
    assert.deepEqual(removed.bot.integrations, {})
    assert.deepEqual(removed.bot.plugins, {})
    await client.deleteBot({ id: bot.id })
  })

  it("refuses another workspace's private integration and a dev integration on a production bot", async () => {
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    const { integration: foreign } = await stranger.createIntegration({ name: uniqueName('private'), version: '1.0.0' })
    const client = clientFor(server())
    const { bot } = await client.createBot({})
    await expectApiError(client.updateBot({ id: bot.id, integrations: { x: { integrationId: foreign.id } } }), { code: 400, message: /no integration/ })
    const { integration: dev } = await client.createIntegration({ name: uniqueName('dev'), version: '1.0.0', dev: true, url: 'http://127.0.0.1:9' })
    await expectApiError(client.updateBot({ id: bot.id, integrations: { d: { integrationId: dev.id } } }), { code: 400, message: /dev/ })
    const { bot: devBot } = await client.createBot({ dev: true })
    assert.equal((await client.updateBot({ id: devBot.id, integrations: { d: { integrationId: dev.id } } })).bot.integrations.d!.id, dev.id)
  })
})

describeEachStore('bots: versions and bot JSON', ({ server }) => {
  it('snapshots a version, lists it, hands it out, and deploys it back', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({ name: 'versioned', states: { a: { type: 'bot', schema: objectSchema() } }, tags: { v: '1' } })
    const { version } = await client.createBotVersion({ id: bot.id, name: 'v1', description: 'first' })
    assert.match(version.id, /^ver_/)
    assert.deepEqual((await client.listBotVersions({ id: bot.id })).versions, [{ id: version.id, name: 'v1', description: 'first' }])

    const { url } = await client.getBotVersion({ id: bot.id, versionId: version.id })
    const snapshot = await (await fetch(url)).json()
    assert.equal(snapshot.name, 'versioned')
    assert.deepEqual(Object.keys(snapshot.states), ['a'])

    await client.updateBot({ id: bot.id, name: 'changed', states: { b: { type: 'user', schema: objectSchema() } }, tags: { v: '2', extra: 'x' } })
    await client.deployBotVersion({ id: bot.id, versionId: version.id })
    const { bot: restored } = await client.getBot({ id: bot.id })
    assert.equal(restored.name, 'versioned')
    assert.deepEqual(Object.keys(restored.states), ['a'])
    assert.deepEqual(restored.tags, { v: '1' })
    assert.ok(restored.deployedAt)

    await expectApiError(client.getBotVersion({ id: bot.id, versionId: 'ver_01JUNKUNKNOWNVERSION000000' }), { code: 404, type: 'ResourceNotFound' })
  })

  it('getBotJson returns the definition; publishFromBotJson replaces it, and refuses a bad document', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({ name: 'json-bot', events: { e1: { schema: objectSchema() } } })
    const json = await client.getBotJson({ id: bot.id })
    assert.equal(json.name, 'json-bot')
    assert.deepEqual(Object.keys(json.events), ['e1'])

    const published = await client.publishFromBotJson({ id: bot.id, botJson: { ...json, events: { e2: { schema: objectSchema() } }, description: 'from json' } })
    assert.deepEqual(Object.keys(published.events), ['e2'])
    const { bot: after } = await client.getBot({ id: bot.id })
    assert.deepEqual(Object.keys(after.events), ['e2'], 'e1 is gone: publishing replaces, it does not merge')
    assert.equal(after.description, 'from json')

    await expectApiError(client.publishFromBotJson({ id: bot.id, botJson: { states: { s: { type: 'nope', schema: {} } } } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /botJson\.states\.s\.type/,
    })
    assert.equal((await client.getBot({ id: bot.id })).bot.description, 'from json')
  })
})

describeEachStore('bots: logs, issues and action runs recorded by the server', ({ server }) => {
  it('getBotLogs returns a line per request made for the bot, filterable', async () => {
    const { bot } = await clientFor(server()).createBot({ name: 'logged' })
    const client = clientFor(server(), { botId: bot.id })
    const timeStart = new Date(Date.now() - 1000).toISOString()
    const { user } = await client.createUser({ tags: {} })
    await client.getUser({ id: user.id })
    const logs = await eventually(
      () => client.getBotLogs({ id: bot.id, timeStart }),
      (r) => r.logs.some((l) => l.message.startsWith('getUser 200')),
    )
    const created = logs.logs.find((l) => l.message.startsWith('createUser 201'))
    assert.ok(created, JSON.stringify(logs.logs))
    assert.equal(created.level, 'info')
    const forUser = await client.getBotLogs({ id: bot.id, timeStart, userId: user.id })
    assert.ok(forUser.logs.some((l) => l.message.startsWith('getUser 200')))
    assert.ok(forUser.logs.every((l) => l.userId === user.id))
    assert.ok((await client.getBotLogs({ id: bot.id, timeStart, messageContains: 'createUser' })).logs.every((l) => l.message.includes('createUser')))
    assert.equal((await client.getBotLogs({ id: bot.id, timeStart: new Date(Date.now() + 60_000).toISOString() })).logs.length, 0)
    await expectApiError(client.getBotLogs({ id: bot.id, timeStart: 'yesterday' }), { code: 400, message: /timeStart/ })
  })

  it('getBotLogs pages through lines written in many batches, newest first, each line once', async () => {
    const { bot } = await clientFor(server()).createBot({ name: 'busy' })
    const client = clientFor(server(), { botId: bot.id })
    const timeStart = new Date(Date.now() - 1000).toISOString()
    const users: string[] = []
    for (let round = 0; round < 5; round++) {
      // Concurrent requests, then a read (which writes what was recorded): one batch per round.
      users.push(...(await Promise.all(Array.from({ length: 50 }, () => client.createUser({ tags: {} })))).map((r) => r.user.id))
      await client.getBotLogs({ id: bot.id, timeStart, level: 'error' })
    }
    const lines: { timestamp: string; message: string; userId?: string }[] = []
    let nextToken: string | undefined
    let pages = 0
    do {
      const page = await client.getBotLogs({ id: bot.id, timeStart, messageContains: 'CREATEUSER 201', nextToken })
      assert.ok(page.logs.length <= 100)
      lines.push(...page.logs)
      nextToken = page.nextToken
      pages++
    } while (nextToken)
    assert.equal(pages, 3)
    assert.equal(lines.length, users.length, 'one line per createUser call')
    assert.deepEqual(
      lines.map((l) => l.timestamp),
      lines.map((l) => l.timestamp).sort().reverse(),
    )
    assert.equal(new Set(lines.map((l) => l.message)).size, lines.length, 'no line twice')
  })

  it('the sweeps drop log lines, issue events and action runs older than the retention, and keep the rest', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({ name: 'retained' })
    const botClient = clientFor(server(), { botId: bot.id })
    await expectApiError(botClient.getUser({ id: 'user_01JUNKUNKNOWNUSER00000000' }), { code: 404 })
    const { integration } = await client.createIntegration({ name: uniqueName('retained'), version: '1.0.0' })
    const { db } = server().server.store
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString()
    const old = { firstTimestamp: longAgo, lastTimestamp: longAgo, lines: JSON.stringify([[longAgo, 'info', 'old line', null, null, null]]) }
    await db.insertInto('botLogBatches').values({ id: 'blog_old', botId: bot.id, ...old }).execute()
    await db.insertInto('integrationLogBatches').values({ id: 'ilog_old', integrationId: integration.id, ...old }).execute()
    const [issue] = (await eventually(() => client.listBotIssues({ id: bot.id }), (r) => r.issues.length > 0)).issues
    await db.insertInto('botIssueEvents').values({ id: 'ievt_old', issueId: issue!.id, botId: bot.id, data: '{}', createdAt: longAgo }).execute()
    const run = { botId: bot.id, integrationName: 'slack', actionType: 'slack:send', input: '{}', output: null, status: 'SUCCESS', durationMs: 1, errorMessage: null }
    await db.insertInto('actionRuns').values([{ id: 'arun_old', timestamp: longAgo, ...run }, { id: 'arun_new', timestamp: new Date().toISOString(), ...run }]).execute()
    const timeStart = new Date(0).toISOString()
    const messages = async () => (await client.getBotLogs({ id: bot.id, timeStart })).logs.map((l) => l.message)
    assert.ok((await messages()).includes('old line'))

    const services = { store: server().server.store, clock: { now: () => new Date() } }
    await botsSection.sweep!({ ...services, config: { ...server().server.config, logRetentionDays: 0 } } as never)
    assert.ok((await messages()).includes('old line'), 'a retention of 0 keeps everything')
    await botsSection.sweep!({ ...services, config: server().server.config } as never)
    await integrationsSection.sweep!({ ...services, config: server().server.config } as never)

    const kept = await messages()
    assert.ok(!kept.includes('old line') && kept.some((m) => m.startsWith('getUser 404')), JSON.stringify(kept))
    assert.deepEqual(await db.selectFrom('integrationLogBatches').select('id').where('integrationId', '=', integration.id).execute(), [])
    const events = await db.selectFrom('botIssueEvents').select('id').where('botId', '=', bot.id).execute()
    assert.ok(events.length === 1 && events[0]!.id !== 'ievt_old', 'the recent issue event stays')
    assert.deepEqual((await db.selectFrom('actionRuns').select('id').where('botId', '=', bot.id).execute()).map((r) => r.id), ['arun_new'])
  })

  it('failed requests become issues with events; an issue can be deleted', async () => {
    const { bot } = await clientFor(server()).createBot({ name: 'failing' })
    const client = clientFor(server(), { botId: bot.id })
    await expectApiError(client.getUser({ id: 'user_01JUNKUNKNOWNUSER000000000' }), { code: 404 })
    await expectApiError(client.getUser({ id: 'user_01JUNKUNKNOWNUSER000000001' }), { code: 404 })
    const { issues } = await eventually(
      () => client.listBotIssues({ id: bot.id }),
      (r) => r.issues.some((i) => i.code === 'getUser:ResourceNotFound' && i.eventsCount === 2),
    )
    const issue = issues.find((i) => i.code === 'getUser:ResourceNotFound')!
    assert.equal(issue.eventsCount, 2)
    assert.equal(issue.category, 'user_code')
    assert.deepEqual((await client.getBotIssue({ id: bot.id, issueId: issue.id })).issue, issue)
    const { issueEvents } = await client.listBotIssueEvents({ id: bot.id, issueId: issue.id })
    assert.equal(issueEvents.length, 2)
    assert.match(issueEvents[0]!.data.message!.raw, /user_01JUNKUNKNOWNUSER/)
    assert.equal(issueEvents[0]!.data.status!.raw, '404')

    await client.deleteBotIssue({ id: bot.id, issueId: issue.id })
    await expectApiError(client.getBotIssue({ id: bot.id, issueId: issue.id }), { code: 404 })
    assert.equal((await client.listBotIssues({ id: bot.id })).issues.some((i) => i.id === issue.id), false)
  })

  it('listActionRuns lists the callAction requests of the bot with their outcome', async () => {
    const { bot } = await clientFor(server()).createBot({ name: 'actions' })
    const client = clientFor(server(), { botId: bot.id })
    await expectApiError(client.callAction({ type: 'slack:sendMessage', input: { text: 'hi' } }), { code: 404 })
    const { data } = await eventually(
      () => client.listActionRuns({ id: bot.id, integrationName: 'slack' }),
      (r) => r.data.length > 0,
    )
    assert.equal(data.length, 1)
    assert.equal(data[0]!.actionType, 'slack:sendMessage')
    assert.deepEqual(data[0]!.input, { text: 'hi' })
    assert.equal(data[0]!.status, 'FAILURE')
    assert.match(data[0]!.errorMessage ?? '', /sendMessage/)
    assert.equal((await client.listActionRuns({ id: bot.id, integrationName: 'teams' })).data.length, 0)
  })
})

describeEachStore('bots: analytics, transfer, allowlist, webchat, isolation', ({ server }) => {
  it('getBotAnalytics counts what the bot stored today', async () => {
    const { bot } = await clientFor(server()).createBot({ name: 'analytics' })
    const client = clientFor(server(), { botId: bot.id })
    const { user } = await client.createUser({ tags: {} })
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    for (const text of ['a', 'b', 'c']) await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text }, tags: {} })
    await client.createEvent({ type: 'custom', payload: {} })
    await client.trackAnalytics({ name: 'signup', count: 2 })
    await client.trackAnalytics({ name: 'signup', count: 3 })
    const today = new Date().toISOString().slice(0, 10)
    const { records } = await client.getBotAnalytics({ id: bot.id, startDate: `${today}T00:00:00.000Z`, endDate: new Date(Date.now() + 1000).toISOString() })
    assert.equal(records.length, 1)
    const record = records[0]!
    assert.equal(record.startDateTimeUtc, `${today}T00:00:00.000Z`)
    assert.equal(record.newUsers, 1)
    assert.equal(record.botMessages + record.userMessages, 3)
    assert.equal(record.sessions, 1)
    assert.equal(record.events, 1)
    assert.deepEqual(record.eventTypes, { custom: 1 })
    assert.deepEqual(record.customEvents, { signup: 5 })
    assert.equal(record.llm.calls, 0)
    await expectApiError(client.getBotAnalytics({ id: bot.id, startDate: '2020-01-01', endDate: '2025-01-01' }), { code: 400, message: /366 days/ })
  })

  it('transferBot moves a bot and its keys to another workspace of the caller', async () => {
    const client = clientFor(server())
    const target = await client.createWorkspace({ name: 'Transfer target' })
    const { bot } = await client.createBot({ name: 'moving' })
    const key = await client.createBotApiKey({ botId: bot.id })
    await expectApiError(client.transferBot({ id: bot.id, targetWorkspaceId: 'wkspace_01JUNKUNKNOWNWORKSPACE00' }), { code: 400, message: /targetWorkspaceId/ })
    await client.transferBot({ id: bot.id, targetWorkspaceId: target.id })
    await expectApiError(client.getBot({ id: bot.id }), { code: 404 })
    const inTarget = clientFor(server(), { workspaceId: target.id })
    assert.equal((await inTarget.getBot({ id: bot.id })).bot.name, 'moving')
    const asBot = clientFor(server(), { token: key.value, workspaceId: undefined, botId: undefined })
    assert.equal((await asBot.getWorkspace({ id: target.id })).id, target.id, "the bot's key now acts in the target workspace")
  })

  it('transferBot needs a role that may transfer in the target workspace too', async () => {
    const source = await createWorkspaceWithBot(server(), 'Transfer source')
    const target = await createWorkspaceWithBot(server(), 'Transfer target of a viewer')
    const manager = await addMember(server(), source.workspaceId, 'manager')
    const asTargetViewer = await addMember(server(), target.workspaceId, 'viewer', manager.email)
    const client = clientFor(server(), { token: manager.token, workspaceId: source.workspaceId, botId: undefined })
    await expectApiError(client.transferBot({ id: source.botId, targetWorkspaceId: target.workspaceId }), { code: 403, type: 'Forbidden' })
    assert.equal((await client.getBot({ id: source.botId })).bot.id, source.botId, 'the bot stayed')
    await clientFor(server(), { workspaceId: target.workspaceId, botId: undefined }).updateWorkspaceMember({ id: asTargetViewer.memberId, role: 'manager' })
    await client.transferBot({ id: source.botId, targetWorkspaceId: target.workspaceId })
    await expectApiError(client.getBot({ id: source.botId }), { code: 404 })
  })

  it('getBotAllowlist and updateBotAllowlist', async () => {
    const client = clientFor(server())
    const { bot } = await client.createBot({})
    assert.deepEqual(await client.getBotAllowlist({ botId: bot.id }), { setting: 'ALL_WORKSPACE_USERS', users: [] })
    const { account } = await client.getAccount({})
    await client.updateBotAllowlist({ botId: bot.id, setting: 'SELECTED_USERS', users: { [account.id]: true } })
    assert.deepEqual(await client.getBotAllowlist({ botId: bot.id }), { setting: 'SELECTED_USERS', users: [{ id: account.id }] })
    await expectApiError(client.updateBotAllowlist({ botId: bot.id, users: { '00000000-0000-4000-8000-000000000000': true } }), { code: 400, message: /users\.00000000-0000-4000-8000-000000000000/ })
    await client.updateBotAllowlist({ botId: bot.id, users: { [account.id]: false } })
    assert.deepEqual((await client.getBotAllowlist({ botId: bot.id })).users, [])
  })

  it('getBotWebchat says webchat is not served by a self-hosted server', async () => {
    const client = clientFor(server())
    await expectApiError(client.getBotWebchat({ id: server().botId, type: 'preconfigured' }), { code: 405, type: 'MethodNotFound', message: /webchat/i })
  })

  it("another account reads none of a bot's records", async () => {
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    const id = server().botId
    const timeStart = new Date(0).toISOString()
    for (const call of [
      () => stranger.getBotLogs({ id, timeStart }),
      () => stranger.listBotIssues({ id }),
      () => stranger.listBotVersions({ id }),
      () => stranger.getBotJson({ id }),
      () => stranger.getBotAnalytics({ id, startDate: timeStart, endDate: timeStart }),
      () => stranger.listActionRuns({ id, integrationName: 'x' }),
      () => stranger.getBotAllowlist({ botId: id }),
      () => stranger.transferBot({ id, targetWorkspaceId: other.workspaceId }),
    ]) {
      await expectApiError(call(), { code: 404, type: 'ResourceNotFound' })
    }
  })
})
