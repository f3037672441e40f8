import assert from 'node:assert/strict'
import { before, it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { conversationAndUser, rejectsWith, secondBot, sleep } from './chat-helpers.js'

describeEachStore('chat: states', ({ server }) => {
  let conversationId = ''
  let userId = ''
  before(async () => {
    ;({ conversationId, userId } = await conversationAndUser(server()))
  })

  it('sets, reads, replaces and patches a state', async () => {
    const client = clientFor(server())
    const key = { type: 'conversation' as const, id: conversationId, name: 'memory' }
    await rejectsWith(client.getState(key), 'ResourceNotFound', 404)
    const { state } = await client.setState({ ...key, payload: { a: 1, b: { c: 2 } } })
    assert.match(state.id, /^state_/)
    assert.equal(state.botId, server().botId)
    assert.equal(state.conversationId, conversationId)
    assert.deepEqual(state.payload, { a: 1, b: { c: 2 } })
    const read = await client.getState(key)
    assert.deepEqual(read.state, state)
    assert.equal(read.meta.cached, false)

    await sleep(2)
    const replaced = (await client.setState({ ...key, payload: { z: 1 } })).state
    assert.equal(replaced.id, state.id)
    assert.deepEqual(replaced.payload, { z: 1 }, 'setState replaces the payload')
    assert.ok(replaced.updatedAt > state.updatedAt)
    const patched = (await client.patchState({ ...key, payload: { y: 2 } })).state
    assert.deepEqual(patched.payload, { z: 1, y: 2 }, 'patchState merges top-level keys')

    await client.setState({ ...key, payload: null })
    await rejectsWith(client.getState(key), 'ResourceNotFound', 404)
    await rejectsWith(client.patchState({ ...key, payload: {} }), 'ResourceNotFound', 404)
  })

  it('getOrSetState keeps the first payload', async () => {
    const client = clientFor(server())
    const key = { type: 'user' as const, id: userId, name: 'profile' }
    const first = await client.getOrSetState({ ...key, payload: { v: 1 } })
    assert.deepEqual(first.state.payload, { v: 1 })
    assert.equal(first.state.userId, userId)
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client.getOrSetState({ ...key, payload: { v: i + 2 } })))
    assert.ok(results.every((r) => r.state.id === first.state.id && r.state.payload.v === 1))
  })

  it('belongs to a bot, user, conversation, task or workflow of the bot', async () => {
    const client = clientFor(server())
    assert.equal((await client.setState({ type: 'bot', id: server().botId, name: 'config', payload: { on: true } })).state.botId, server().botId)
    await rejectsWith(client.setState({ type: 'bot', id: 'bot_01JD0000000000000000000000', name: 'config', payload: {} }), 'ResourceNotFound', 404)
    await rejectsWith(client.setState({ type: 'user', id: 'user_01JD0000000000000000000000', name: 'x', payload: {} }), 'ResourceNotFound', 404)
    await rejectsWith(client.getOrSetState({ type: 'conversation', id: 'conv_01JD0000000000000000000000', name: 'x', payload: {} }), 'ResourceNotFound', 404)
    const { workflow } = await client.createWorkflow({ name: 'flow', status: 'pending' })
    assert.equal((await client.setState({ type: 'workflow', id: workflow.id, name: 'w', payload: { s: 1 } })).state.type, 'workflow')
  })

  it('a state idle for longer than its expiry is gone', async () => {
    const client = clientFor(server())
    const key = { type: 'conversation' as const, id: conversationId, name: 'short' }
    // Wide margins: on a loaded machine a request can take a few hundred milliseconds.
    await client.setState({ ...key, payload: { v: 1 }, expiry: 1_500 })
    await sleep(800)
    await client.patchState({ ...key, payload: { w: 2 } })
    await sleep(900)
    assert.deepEqual((await client.getState(key)).state.payload, { v: 1, w: 2 }, 'a write restarts the idle clock')
    await sleep(1_000)
    await rejectsWith(client.getState(key), 'ResourceNotFound', 404)
    await rejectsWith(client.patchState({ ...key, payload: {} }), 'ResourceNotFound', 404)
    const fresh = await client.getOrSetState({ ...key, payload: { fresh: true } })
    assert.deepEqual(fresh.state.payload, { fresh: true }, 'an expired state is replaced, not returned')
  })

  it('setStateExpiry sets or clears the expiry; setState keeps it when left out', async () => {
    const client = clientFor(server())
    const key = { type: 'conversation' as const, id: conversationId, name: 'timed' }
    await client.setState({ ...key, payload: { v: 1 } })
    await client.setStateExpiry({ ...key, expiry: 200 })
    await client.setState({ ...key, payload: { v: 2 } })
    await sleep(300)
    await rejectsWith(client.getState(key), 'ResourceNotFound', 404)

    await client.setState({ ...key, payload: { v: 3 }, expiry: 200 })
    await client.setStateExpiry({ ...key, expiry: null })
    await sleep(300)
    assert.deepEqual((await client.getState(key)).state.payload, { v: 3 })
    await rejectsWith(client.setStateExpiry({ type: 'conversation', id: conversationId, name: 'nope', expiry: 100 }), 'ResourceNotFound', 404)
  })

  it("the runtime's scheduler deletes expired states from the store", async () => {
    const client = clientFor(server())
    const { state } = await client.setState({ type: 'user', id: userId, name: 'swept', payload: {}, expiry: 50 })
    const { store } = server().server
    const stored = () => store.db.selectFrom('states').select('id').where('id', '=', state.id).executeTakeFirst()
    assert.ok(await stored(), 'kept until it expires')
    for (let i = 0; i < 100 && (await stored()); i++) await sleep(50)
    assert.equal(await stored(), undefined)
  })

  it('deleting a user deletes its states', async () => {
    const client = clientFor(server())
    const { user } = await client.createUser({ tags: {} })
    await client.setState({ type: 'user', id: user.id, name: 'x', payload: {} })
    await client.deleteUser({ id: user.id })
    const rows = await server().server.store.db.selectFrom('states').select('id').where('ownerId', '=', user.id).execute()
    assert.deepEqual(rows, [])
  })

  it("never shows or changes another bot's states", async () => {
    const client = clientFor(server())
    const other = await secondBot(server())
    const key = { type: 'conversation' as const, id: conversationId, name: 'mine' }
    await client.setState({ ...key, payload: { secret: 1 } })
    await rejectsWith(other.client.getState(key), 'ResourceNotFound', 404)
    await rejectsWith(other.client.setState({ ...key, payload: {} }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.patchState({ ...key, payload: {} }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.getState({ type: 'bot', id: server().botId, name: 'config' }), 'ResourceNotFound', 404)
    assert.deepEqual((await client.getState(key)).state.payload, { secret: 1 })
  })
})
