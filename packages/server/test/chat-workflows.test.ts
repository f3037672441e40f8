import assert from 'node:assert/strict'
import { before, it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { conversationAndUser, call, collectPages, rejectsWith, secondBot, sleep, uniqueTag } from './chat-helpers.js'

describeEachStore('chat: workflows and tasks', ({ server }) => {
  let conversationId = ''
  let userId = ''
  before(async () => {
    ;({ conversationId, userId } = await conversationAndUser(server()))
  })

  it('creates, reads, updates and deletes a workflow', async () => {
    const client = clientFor(server())
    const { workflow } = await client.createWorkflow({ name: 'onboarding', status: 'pending', input: { step: 1 }, conversationId, userId, tags: { a: '1' } })
    assert.match(workflow.id, /^wfl_/)
    assert.deepEqual(workflow.input, { step: 1 })
    assert.deepEqual(workflow.output, {})
    assert.ok(workflow.timeoutAt > workflow.createdAt, 'a default timeout lies ahead')
    assert.equal(workflow.completedAt, undefined)
    assert.deepEqual((await client.getWorkflow({ id: workflow.id })).workflow, workflow)

    const { event } = await client.createEvent({ type: 'start', payload: {} })
    await rejectsWith(client.updateWorkflow({ id: workflow.id, status: 'in_progress' }), 'InvalidPayload', 400)
    const running = (await client.updateWorkflow({ id: workflow.id, status: 'in_progress', eventId: event.id, tags: { a: '', b: '2' } })).workflow
    assert.equal(running.status, 'in_progress')
    assert.deepEqual(running.tags, { b: '2' })
    const done = (await client.updateWorkflow({ id: workflow.id, status: 'completed', output: { ok: true } })).workflow
    assert.equal(done.status, 'completed')
    assert.deepEqual(done.output, { ok: true })
    assert.ok(done.completedAt)
    const failed = (await client.updateWorkflow({ id: workflow.id, status: 'failed', failureReason: 'boom' })).workflow
    assert.equal(failed.failureReason, 'boom')

    await client.deleteWorkflow({ id: workflow.id })
    await rejectsWith(client.getWorkflow({ id: workflow.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.deleteWorkflow({ id: workflow.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.createWorkflow({ name: 'x', status: 'in_progress' }), 'InvalidPayload', 400)
    await rejectsWith(client.createWorkflow({ name: 'x', status: 'pending', conversationId: 'conv_01JD0000000000000000000000' }), 'ResourceNotFound', 404)
  })

  it('lists workflows by name, status, conversation and tags across pages', async () => {
    const client = clientFor(server())
    const name = `flow-${uniqueTag()}`
    const made = []
    for (let i = 0; i < 22; i++) made.push((await client.createWorkflow({ name, status: i < 2 ? 'listening' : 'pending', tags: { i: String(i) } })).workflow)
    const all = await collectPages(async (nextToken) => {
      const { workflows, meta } = await client.listWorkflows({ name, nextToken })
      return { items: workflows, nextToken: meta.nextToken }
    })
    assert.deepEqual(all.pages, [20, 2])
    assert.deepEqual(all.items.map((w) => w.id), made.map((w) => w.id).reverse())
    assert.equal((await client.listWorkflows({ name, statuses: ['listening'] })).workflows.length, 2)
    assert.deepEqual((await client.listWorkflows({ name, tags: { i: '7' } })).workflows.map((w) => w.id), [made[7]!.id])
  })

  it('getOrCreateWorkflow finds by name and tags, within a status group', async () => {
    const client = clientFor(server())
    const name = `single-${uniqueTag()}`
    const first = (await client.getOrCreateWorkflow({ name, status: 'pending', conversationId, tags: { k: 'v' } })).workflow
    assert.equal((await client.getOrCreateWorkflow({ name, status: 'pending', conversationId, tags: { k: 'v' } })).workflow.id, first.id)
    const results = await Promise.all(Array.from({ length: 20 }, () => client.getOrCreateWorkflow({ name, status: 'pending', conversationId, tags: { k: 'w' } })))
    assert.equal(new Set(results.map((r) => r.workflow.id)).size, 1)

    await client.updateWorkflow({ id: first.id, status: 'completed' })
    const active = (await client.getOrCreateWorkflow({ name, status: 'pending', conversationId, tags: { k: 'v' }, discriminateByStatusGroup: 'active' })).workflow
    assert.notEqual(active.id, first.id, 'a finished workflow is not in the active group')
    const finished = (await client.getOrCreateWorkflow({ name, status: 'pending', conversationId, tags: { k: 'v' }, discriminateByStatusGroup: 'finished' })).workflow
    assert.equal(finished.id, first.id)
  })

  it('creates, reads, updates, lists and deletes tasks', async () => {
    const s = server()
    const { task } = await call(s, 'createTask', { type: 'review', conversationId, userId, title: 'Review', data: { doc: 1 }, tags: { team: 'a' } })
    assert.match(task.id, /^task_/)
    assert.equal(task.status, 'pending')
    assert.equal(task.description, '')
    assert.deepEqual((await call(s, 'getTask', { id: task.id })).task, task)

    await sleep(2)
    const { task: updated } = await call(s, 'updateTask', { id: task.id, status: 'in_progress', description: 'looking', tags: { team: '', owner: 'b' } })
    assert.equal(updated.status, 'in_progress')
    assert.equal(updated.description, 'looking')
    assert.deepEqual(updated.tags, { owner: 'b' })
    assert.deepEqual(updated.data, { doc: 1 })

    const child = (await call(s, 'createTask', { type: 'sub', conversationId, parentTaskId: task.id })).task
    for (let i = 0; i < 21; i++) await call(s, 'createTask', { type: 'bulk', conversationId })
    assert.deepEqual((await call(s, 'listTasks', { parentTaskId: task.id })).tasks.map((t: { id: string }) => t.id), [child.id])
    assert.deepEqual((await call(s, 'listTasks', { status: ['in_progress'], conversationId })).tasks.map((t: { id: string }) => t.id), [task.id])
    assert.deepEqual((await call(s, 'listTasks', { tags: { owner: 'b' } })).tasks.map((t: { id: string }) => t.id), [task.id])
    const bulk = await collectPages(async (nextToken) => {
      const { tasks, meta } = await call(s, 'listTasks', { type: 'bulk', conversationId, nextToken })
      return { items: tasks, nextToken: meta.nextToken }
    })
    assert.deepEqual(bulk.pages, [20, 1])

    await call(s, 'deleteTask', { id: task.id })
    await rejectsWith(call(s, 'getTask', { id: task.id }), 'ResourceNotFound', 404)
    await rejectsWith(call(s, 'createTask', { type: 'x', conversationId: 'conv_01JD0000000000000000000000' }), 'ResourceNotFound', 404)
  })

  it("never shows or changes another bot's workflows and tasks", async () => {
    const client = clientFor(server())
    const other = await secondBot(server())
    const name = `secret-${uniqueTag()}`
    const { workflow } = await client.createWorkflow({ name, status: 'pending' })
    await rejectsWith(other.client.getWorkflow({ id: workflow.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.updateWorkflow({ id: workflow.id, status: 'cancelled' }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.deleteWorkflow({ id: workflow.id }), 'ResourceNotFound', 404)
    assert.deepEqual((await other.client.listWorkflows({ name })).workflows, [])
    assert.notEqual((await other.client.getOrCreateWorkflow({ name, status: 'pending' })).workflow.id, workflow.id)

    const { task } = await call(server(), 'createTask', { type: name, conversationId })
    const as = { token: other.token, botId: other.botId }
    await rejectsWith(call(server(), 'getTask', { id: task.id }, as), 'ResourceNotFound', 404)
    await rejectsWith(call(server(), 'updateTask', { id: task.id, status: 'failed' }, as), 'ResourceNotFound', 404)
    await rejectsWith(call(server(), 'deleteTask', { id: task.id }, as), 'ResourceNotFound', 404)
    assert.deepEqual((await call(server(), 'listTasks', { type: name }, as)).tasks, [])
    assert.equal((await client.getWorkflow({ id: workflow.id })).workflow.status, 'pending')
  })
})
