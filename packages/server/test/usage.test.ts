import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'

const UNLIMITED = Number.MAX_SAFE_INTEGER
const month = () => new Date().toISOString().slice(0, 7)

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read()
    if (accept(value) || attempt === 50) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describeEachStore('usage: computed from what is stored and called', ({ server }) => {
  it('bot usages count messages and events, file bytes, indexed files and table rows', async () => {
    const admin = clientFor(server())
    const workspace = await admin.createWorkspace({ name: 'Usage ws' })
    const inWs = clientFor(server(), { workspaceId: workspace.id })
    const { bot } = await inWs.createBot({ name: 'measured' })
    const client = clientFor(server(), { workspaceId: workspace.id, botId: bot.id })

    const zero = await client.getUsage({ id: bot.id, type: 'invocation_calls' })
    assert.deepEqual(zero.usage, { id: bot.id, period: month(), value: 0, quota: UNLIMITED, type: 'invocation_calls' })

    const { user } = await client.createUser({ tags: {} })
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    for (const text of ['1', '2', '3']) await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text }, tags: {} })
    await client.createEvent({ type: 'custom', payload: {} })
    await client.upsertFile({ key: 'a.txt', size: 100 })
    await client.upsertFile({ key: 'b.txt', size: 250, index: true })
    await client.createTable({ name: 'CountedTable', schema: { n: { type: 'number' } } })
    await client.createTableRows({ table: 'CountedTable', rows: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }] })

    const value = async (type: Parameters<typeof client.getUsage>[0]['type']) => (await client.getUsage({ id: bot.id, type })).usage.value
    assert.equal(await value('invocation_calls'), 4)
    assert.equal(await value('storage_count'), 350)
    assert.equal(await value('knowledgebase_vector_storage'), 250)
    assert.equal(await value('indexed_file_count'), 1)
    assert.equal(await value('file_max_size_bytes'), 250)
    assert.equal(await value('table_row_count'), 5)
    assert.equal(await value('invocation_timeout'), 0)
    assert.equal((await client.getUsage({ id: bot.id, type: 'invocation_calls', period: '2001-01' })).usage.value, 0, 'nothing happened in 2001')

    const { usages } = await client.getMultipleUsages({ types: ['invocation_calls', 'table_row_count'], ids: [bot.id] })
    assert.deepEqual(
      usages.map((u) => [u.type, u.value]),
      [
        ['invocation_calls', 4],
        ['table_row_count', 5],
      ],
    )

    const { bot: second } = await inWs.createBot({ name: 'idle' })
    const perBot = await inWs.listWorkspaceUsages({ id: workspace.id, type: 'invocation_calls' })
    assert.deepEqual(
      perBot.usages.map((u) => [u.id, u.value]),
      [
        [bot.id, 4],
        [second.id, 0],
      ],
    )
    const breakdown = await inWs.breakDownWorkspaceUsageByBot({ id: workspace.id, type: 'storage_count' })
    assert.deepEqual(breakdown.data, [
      { botId: bot.id, value: 350 },
      { botId: second.id, value: 0 },
    ])

    const history = await client.listUsageHistory({ id: bot.id, type: 'invocation_calls' })
    assert.deepEqual(
      history.usages.map((u) => [u.period, u.value]),
      [[month(), 4]],
    )
    const today = new Date().toISOString().slice(0, 10)
    const activity = await client.listUsageActivity({ id: bot.id, type: 'invocation_calls' })
    assert.deepEqual(
      activity.data.map((d) => [d.timestamp, d.value, d.period]),
      [[`${today}T00:00:00.000Z`, 4, month()]],
    )
    const daily = await client.listUsageActivityDaily({ id: bot.id, type: 'invocation_calls', dateFrom: today, dateUntil: today })
    assert.deepEqual(
      daily.data.map((d) => [d.date, d.value]),
      [[today, 4]],
    )
  })

  it('workspace usages count bots, members, owned integrations and API calls', async () => {
    const admin = clientFor(server())
    const workspace = await admin.createWorkspace({ name: 'Counted ws' })
    const client = clientFor(server(), { workspaceId: workspace.id, botId: undefined })
    await client.createBot({ name: 'one' })
    await client.createBot({ name: 'two', dev: true })
    await client.createIntegration({ name: `counted-${Date.now().toString(36)}`, version: '1.0.0' })
    const value = async (type: Parameters<typeof client.getUsage>[0]['type']) => (await client.getUsage({ id: workspace.id, type })).usage.value
    assert.equal(await value('bot_count'), 2)
    assert.equal(await value('workspace_member_count'), 1)
    assert.equal(await value('integrations_owned_count'), 1)
    assert.equal(await value('always_alive'), 0)
    assert.equal(await value('ai_spend'), 0)
    // Every call naming the workspace is counted once it is answered: the calls above, and these reads.
    const calls = await eventually(
      () => value('workspace_ratelimit'),
      (n) => n >= 9,
    )
    assert.ok(calls >= 9 && calls <= 10, `counted ${calls} calls`)
  })

  it("a deleted bot's API calls stay in its workspace's count, under no bot id", async () => {
    const admin = clientFor(server())
    const workspace = await admin.createWorkspace({ name: 'Deleting ws' })
    const inWs = clientFor(server(), { workspaceId: workspace.id, botId: undefined })
    const { bot } = await inWs.createBot({ name: 'short-lived' })
    const asBot = clientFor(server(), { workspaceId: workspace.id, botId: bot.id })
    await asBot.createUser({ tags: {} })
    await asBot.createUser({ tags: {} })
    const byBot = await eventually(
      () => inWs.breakDownWorkspaceUsageByBot({ id: workspace.id, type: 'workspace_ratelimit' }),
      (r) => r.data[0]?.value === 2,
    )
    assert.deepEqual(byBot.data, [{ botId: bot.id, value: 2 }])
    const before = (await inWs.getUsage({ id: workspace.id, type: 'workspace_ratelimit' })).usage.value
    await inWs.deleteBot({ id: bot.id })
    const afterDelete = (await inWs.getUsage({ id: workspace.id, type: 'workspace_ratelimit' })).usage.value
    assert.ok(afterDelete >= before + 1, `${afterDelete} calls after, ${before} before`)
    const left = await server().server.store.db.selectFrom('apiCallCounts').select('botId').where('botId', '=', bot.id).execute()
    assert.deepEqual(left, [])
  })

  it('quotas are unlimited by default', async () => {
    const client = clientFor(server())
    const { quota } = await client.getWorkspaceQuota({ id: server().workspaceId, type: 'invocation_calls' })
    assert.deepEqual(quota, { period: month(), value: UNLIMITED, type: 'invocation_calls' })
    const { quotas } = await client.listWorkspaceQuotas({ id: server().workspaceId })
    assert.equal(quotas.length, 15)
    assert.ok(quotas.every((q) => q.value === UNLIMITED))
    const completion = await client.getAllWorkspaceQuotaCompletion({})
    assert.equal(completion.bot_count!.type, 'bot_count')
    assert.ok(completion.bot_count!.completion < 1e-9)
  })

  it('refuses a bad period, an id of the wrong kind, and mixed scopes, naming the field', async () => {
    const client = clientFor(server())
    await expectApiError(client.getUsage({ id: server().botId, type: 'invocation_calls', period: 'March' }), { code: 400, message: /"period"/ })
    await expectApiError(client.getUsage({ id: server().workspaceId, type: 'invocation_calls' }), { code: 400, message: /per bot/ })
    await expectApiError(client.getUsage({ id: server().botId, type: 'bot_count' }), { code: 400, message: /per workspace/ })
    await expectApiError(client.getMultipleUsages({ types: ['invocation_calls', 'bot_count'], ids: [server().botId] }), { code: 400, message: /"types"/ })
    await expectApiError(client.getMultipleUsages({ types: ['messages'], ids: [server().botId] }), { code: 400, message: /"types\.0"/ })
  })

  it("another account reads none of this workspace's or bot's usage", async () => {
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    const { botId, workspaceId } = server()
    for (const call of [
      () => stranger.getUsage({ id: botId, type: 'invocation_calls' }),
      () => stranger.getUsage({ id: workspaceId, type: 'bot_count' }),
      () => stranger.listWorkspaceUsages({ id: workspaceId, type: 'bot_count' }),
      () => stranger.breakDownWorkspaceUsageByBot({ id: workspaceId, type: 'storage_count' }),
      () => stranger.getWorkspaceQuota({ id: workspaceId, type: 'bot_count' }),
      () => stranger.listUsageHistory({ id: botId, type: 'invocation_calls' }),
      () => stranger.listUsageActivity({ id: botId, type: 'invocation_calls' }),
    ]) {
      await expectApiError(call(), { code: 404, type: 'ResourceNotFound' })
    }
  })
})
