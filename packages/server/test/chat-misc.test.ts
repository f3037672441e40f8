import assert from 'node:assert/strict'
import { it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { collectPages, rejectsWith, secondBot, uniqueTag } from './chat-helpers.js'

describeEachStore('chat: tag values, analytics and actions', ({ server }) => {
  it('lists the distinct values of a tag, in order, across pages', async () => {
    const client = clientFor(server())
    const key = `k${uniqueTag()}`
    const values = Array.from({ length: 23 }, (_, i) => `v${String(i).padStart(2, '0')}`)
    for (const value of values) await client.createUser({ tags: { [key]: value } })
    await client.createUser({ tags: { [key]: 'v00' } })
    const { conversation } = await client.createConversation({ channel: 'web', tags: { [key]: 'conv-only' } })

    const listed = await collectPages(async (nextToken) => {
      const { tags, meta } = await client.listTagValues({ key, type: 'user', nextToken })
      return { items: tags, nextToken: meta.nextToken }
    })
    assert.deepEqual(listed.items.map((t) => t.value), values)
    assert.deepEqual(listed.pages, [20, 3])
    assert.deepEqual((await client.listTagValues({ key, type: 'conversation' })).tags, [{ value: 'conv-only' }])

    const { user } = await client.createUser({ tags: {} })
    await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: {}, tags: { [key]: 'm' } })
    assert.deepEqual((await client.listTagValues({ key, type: 'message' })).tags, [{ value: 'm' }])

    const other = await secondBot(server())
    assert.deepEqual((await other.client.listTagValues({ key, type: 'user' })).tags, [], "another bot's tags stay hidden")
  })

  it('stores analytics records', async () => {
    const client = clientFor(server())
    const name = `signup-${uniqueTag()}`
    await client.trackAnalytics({ name, count: 3 })
    await client.trackAnalytics({ name, count: 2 })
    const rows = await server().server.store.db.selectFrom('analytics').selectAll().where('name', '=', name).execute()
    const recorded = rows.map((r) => [r.botId, Number(r.count)]).sort((a, b) => Number(a[1]) - Number(b[1]))
    assert.deepEqual(recorded, [[server().botId, 2], [server().botId, 3]])
    await rejectsWith(client.trackAnalytics({ name, count: 0 }), 'InvalidPayload', 400)
  })

  it('callAction answers that no integration can run the action', async () => {
    const client = clientFor(server())
    const err = await rejectsWith(client.callAction({ type: 'telegram:sendMessage', input: {} }), 'ResourceNotFound', 404)
    assert.match(err.message, /telegram:sendMessage/)
    assert.match(err.message, /integration/)
  })
})
