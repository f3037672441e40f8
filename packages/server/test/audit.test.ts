import { before, it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { addMember, createWorkspaceWithBot } from './members-support.js'
import { call } from './chat-helpers.js'

describeEachStore('audit trail: every change to a workspace, member, bot, key or token, with who and when', ({ server }) => {
  let workspaceId: string
  const owner = () => clientFor(server(), { workspaceId, botId: undefined })
  const trail = async () => (await owner().getAuditRecords({ id: workspaceId })).records

  before(async () => {
    ;({ workspaceId } = await createWorkspaceWithBot(server(), 'Audited'))
  })

  it('records the workspace creation and its first bot, with the account that made them', async () => {
    const records = await trail()
    const { account } = await owner().getAccount({})
    assert.deepEqual(records.map((r) => r.action), ['CREATE_BOT', 'CREATE_WORKSPACE'], 'newest first')
    for (const record of records) {
      assert.equal(record.userId, account.id)
      assert.equal(record.userEmail, account.email)
      assert.match(record.id, /^audit_/)
      assert.ok(Date.parse(record.recordedAt))
    }
    assert.equal(records[1]!.resourceId, workspaceId)
    assert.equal(records[1]!.resourceName, 'Audited')
    assert.equal(records[0]!.resourceName, 'Audited bot')
  })

  it('bots, keys, members and the workspace: each change one record, none for reads or failures', async () => {
    const client = owner()
    const before = (await trail()).length
    const { bot } = await client.createBot({ name: 'audited bot' })
    await client.updateBot({ id: bot.id, name: 'renamed bot' })
    await client.updateBot({ id: bot.id, configuration: { data: { a: 1 } } })
    const key = await client.createBotApiKey({ botId: bot.id, note: 'ci key' })
    await client.deleteBotApiKey({ id: key.id })
    const member = await client.createWorkspaceMember({ email: 'audited@example.com', role: 'viewer' })
    await client.updateWorkspaceMember({ id: member.id, role: 'developer' })
    await client.deleteWorkspaceMember({ id: member.id })
    await client.updateWorkspace({ id: workspaceId, about: 'audited' })
    await client.updateWorkspace({ id: workspaceId, spendingLimit: 50 })
    await client.deleteBot({ id: bot.id })
    // Reads and failed changes leave no record.
    await client.getBot({ id: workspaceId }).catch(() => undefined)
    await client.listBots({})
    await expectApiError(client.deleteBot({ id: bot.id }), { code: 404 })
    await expectApiError(client.updateWorkspaceMember({ id: member.id, role: 'owner' }), { code: 404 })

    const records = (await trail()).slice(0, -before).reverse()
    const summary = records.map((r) => [r.action, r.resourceId, JSON.parse(r.value!).operation])
    assert.deepEqual(summary, [
      ['CREATE_BOT', bot.id, 'createBot'],
      ['UPDATE_BOT', bot.id, 'updateBot'],
      ['UPDATE_BOT_CONFIG', bot.id, 'updateBot'],
      ['UNKNOWN', key.id, 'createBotApiKey'],
      ['UNKNOWN', key.id, 'deleteBotApiKey'],
      ['ADD_WORKSPACE_MEMBER', member.id, 'createWorkspaceMember'],
      ['UPDATE_WORKSPACE_MEMBER', member.id, 'updateWorkspaceMember'],
      ['REMOVE_WORKSPACE_MEMBER', member.id, 'deleteWorkspaceMember'],
      ['UPDATE_WORKSPACE', workspaceId, 'updateWorkspace'],
      ['SET_SPENDING_LIMIT', workspaceId, 'updateWorkspace'],
      ['DELETE_BOT', bot.id, 'deleteBot'],
    ])
    const added = records[5]!
    assert.equal(added.resourceName, 'audited@example.com')
    assert.equal(JSON.parse(added.value!).role, 'viewer')
    assert.equal(JSON.parse(records[6]!.value!).role, 'developer')
    assert.equal(records[3]!.resourceName, 'ci key')
    assert.ok(!JSON.stringify(records).includes(key.value), 'a key value is never recorded')
  })

  it('a token of the account is recorded in each of its workspaces, without its value', async () => {
    const { pat } = await owner().createPersonalAccessToken({ note: 'audited token' })
    const [record] = await trail()
    assert.equal(record!.resourceId, pat.id)
    assert.equal(JSON.parse(record!.value!).operation, 'createPersonalAccessToken')
    assert.ok(!JSON.stringify(await trail()).includes(pat.value))
    const [bootstrapRecord] = (await clientFor(server()).getAuditRecords({ id: server().workspaceId })).records
    assert.equal(bootstrapRecord!.resourceId, pat.id, 'the same change, in the account\'s other workspace')
    await owner().deletePersonalAccessToken({ id: pat.id })
    assert.equal(JSON.parse((await trail())[0]!.value!).operation, 'deletePersonalAccessToken')
  })

  it('pages newest first', async () => {
    const all = await trail()
    const client = owner()
    for (let i = 0; i < 21; i++) await client.updateWorkspace({ id: workspaceId, about: `about ${i}` })
    const first = await client.getAuditRecords({ id: workspaceId })
    assert.equal(first.records.length, 20)
    assert.ok(first.meta.nextToken)
    const second = await client.getAuditRecords({ id: workspaceId, nextToken: first.meta.nextToken })
    assert.equal(second.records.length, all.length + 1)
    const ids = [...first.records, ...second.records].map((r) => r.id)
    assert.equal(new Set(ids).size, ids.length)
    const times = [...first.records, ...second.records].map((r) => r.recordedAt)
    assert.deepEqual(times, [...times].sort().reverse())
  })

  it('only administrators and owners read the trail; other workspaces never', async () => {
    const manager = await addMember(server(), workspaceId, 'manager')
    await expectApiError(clientFor(server(), { token: manager.token, workspaceId, botId: undefined }).getAuditRecords({ id: workspaceId }), { code: 403, message: /manager role may not call "getAuditRecords"/ })
    const admin = await addMember(server(), workspaceId, 'administrator')
    assert.ok((await clientFor(server(), { token: admin.token, workspaceId, botId: undefined }).getAuditRecords({ id: workspaceId })).records.length > 0)
    const other = await createOtherAccount(server())
    await expectApiError(clientFor(server(), { token: other.token, workspaceId: other.workspaceId }).getAuditRecords({ id: workspaceId }), { code: 404 })
  })
})

describeEachStore('activities: what happened to a task', ({ server }) => {
  it('lists a task\'s creation, updates, status changes and its subtasks\' status, oldest first', async () => {
    const client = clientFor(server())
    const s = server()
    const conversationId = (await client.createConversation({ channel: 'web', tags: {} })).conversation.id
    // The official client has no task methods: these go through the chat tests' raw caller.
    const { task } = await call(s, 'createTask', { title: 'Ship', type: 'job', data: {}, conversationId })
    await call(s, 'updateTask', { id: task.id, status: 'in_progress' })
    const { task: sub } = await call(s, 'createTask', { title: 'Part', type: 'job', data: {}, parentTaskId: task.id, conversationId })
    await call(s, 'updateTask', { id: sub.id, status: 'completed' })
    await call(s, 'updateTask', { id: task.id, title: 'Ship it' })

    const { activities } = await clientFor(server()).listActivities({ botId: server().botId, taskId: task.id })
    assert.deepEqual(
      activities.map((a) => [a.category, a.description]),
      [
        ['task_status', 'Task "Ship" created with status pending'],
        ['task_status', 'Task status set to in_progress'],
        ['subtask_status', `Subtask ${sub.id} created with status pending`],
        ['subtask_status', `Subtask ${sub.id} status set to completed`],
        ['unknown', 'Task updated (title)'],
      ],
    )
    for (const a of activities) assert.equal(a.taskId, task.id)
    assert.deepEqual(activities[1]!.data, { operation: 'updateTask', status: 'in_progress', changed: ['status'] })

    await call(s, 'deleteTask', { id: sub.id })
    const subActivities = (await client.listActivities({ botId: server().botId, taskId: sub.id })).activities
    assert.deepEqual(subActivities.map((a) => a.description), ['Task "Part" created with status pending', 'Task status set to completed', 'Task deleted'])
    assert.deepEqual((await client.listActivities({ botId: server().botId, taskId: 'task_unknown' })).activities, [])
  })

  it('another account cannot read a bot\'s activities', async () => {
    const other = await createOtherAccount(server())
    await expectApiError(clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId }).listActivities({ botId: server().botId, taskId: 'task_x' }), { code: 404 })
  })
})

describeEachStore('introspect: who the token is and what it reaches', ({ server }) => {
  it('answers the account, workspace and bot for a personal access token, and the bot for its API key', async () => {
    const client = clientFor(server())
    const { account } = await client.getAccount({})
    assert.deepEqual(await client.introspect({ botId: server().botId }), { workspaceId: server().workspaceId, botId: server().botId, userId: account.id })
    const key = await client.createBotApiKey({ botId: server().botId, note: 'introspect' })
    const asBot = clientFor(server(), { token: key.value })
    assert.deepEqual(await asBot.introspect({ botId: server().botId }), { workspaceId: server().workspaceId, botId: server().botId, userId: server().botId })
    const other = await createOtherAccount(server())
    await expectApiError(asBot.introspect({ botId: other.botId }), { code: 404 })
    await expectApiError(clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId }).introspect({ botId: server().botId }), { code: 404 })
    await expectApiError(client.introspect({ botId: 'bot_unknown' }), { code: 404 })
  })
})
