import assert from 'node:assert/strict'
import { before, it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { conversationAndUser, collectPages, rejectsWith, secondBot, sleep, uniqueTag } from './chat-helpers.js'

describeEachStore('chat: messages', ({ server }) => {
  let conversationId = ''
  let userId = ''
  before(async () => {
    ;({ conversationId, userId } = await conversationAndUser(server()))
  })

  it('creates, reads, updates and deletes a message', async () => {
    const client = clientFor(server())
    const { message } = await client.createMessage({ conversationId, userId, type: 'text', payload: { text: 'hello' }, tags: { ref: '1', empty: '' } })
    assert.match(message.id, /^msg_/)
    assert.equal(message.direction, 'outgoing', 'a message the bot writes goes out')
    assert.deepEqual(message.payload, { text: 'hello' })
    assert.deepEqual(message.tags, { ref: '1' })
    assert.deepEqual((await client.getMessage({ id: message.id })).message, message)

    await sleep(2)
    const { message: updated } = await client.updateMessage({ id: message.id, tags: { ref: '', seen: 'yes' }, payload: { text: 'edited' } })
    assert.deepEqual(updated.tags, { seen: 'yes' })
    assert.deepEqual(updated.payload, { text: 'edited' })
    assert.ok(updated.updatedAt > message.updatedAt)
    const { message: tagsOnly } = await client.updateMessage({ id: message.id, tags: { more: '1' } })
    assert.deepEqual(tagsOnly.payload, { text: 'edited' }, 'a payload left out stays')

    await client.deleteMessage({ id: message.id })
    await rejectsWith(client.getMessage({ id: message.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.deleteMessage({ id: message.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.updateMessage({ id: message.id, tags: {} }), 'ResourceNotFound', 404)
  })

  it('refuses a message in a conversation or from a user that does not exist', async () => {
    const client = clientFor(server())
    const missing = 'conv_01JD0000000000000000000000'
    const err = await rejectsWith(client.createMessage({ conversationId: missing, userId, type: 'text', payload: {}, tags: {} }), 'ResourceNotFound', 404)
    assert.match(err.message, new RegExp(missing))
    await rejectsWith(client.createMessage({ conversationId, userId: 'user_01JD0000000000000000000000', type: 'text', payload: {}, tags: {} }), 'ResourceNotFound', 404)
  })

  it('lists a conversation newest first across pages, and filters by tags and dates', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const made: { id: string; createdAt: string }[] = []
    for (let i = 0; i < 45; i++) {
      made.push((await client.createMessage({ conversationId: conversation.id, userId, type: 'text', payload: { i }, tags: { even: String(i % 2 === 0) } })).message)
    }
    await client.createMessage({ conversationId, userId, type: 'text', payload: {}, tags: {} })

    const all = await collectPages(async (nextToken) => {
      const { messages, meta } = await client.listMessages({ conversationId: conversation.id, nextToken })
      return { items: messages, nextToken: meta.nextToken }
    })
    assert.deepEqual(all.pages, [20, 20, 5])
    assert.deepEqual(all.items.map((m) => m.id), made.map((m) => m.id).reverse())

    const even = await client.listMessages({ conversationId: conversation.id, tags: { even: 'true' } })
    assert.equal(even.messages.length, 20)
    assert.ok(even.messages.every((m) => m.tags.even === 'true'))

    const from = made[30]!.createdAt
    const to = made[35]!.createdAt
    const range = await client.listMessages({ conversationId: conversation.id, afterDate: from, beforeDate: to })
    assert.ok(range.messages.length >= 6)
    assert.ok(range.messages.every((m) => m.createdAt >= from && m.createdAt <= to), 'both bounds are inclusive')
    assert.ok(range.messages.some((m) => m.id === made[30]!.id) && range.messages.some((m) => m.id === made[35]!.id))
  })

  it('getOrCreateMessage returns the message with the same tags in the conversation', async () => {
    const client = clientFor(server())
    const ref = uniqueTag()
    const first = (await client.getOrCreateMessage({ conversationId, userId, type: 'text', payload: { n: 1 }, tags: { ref, platform: 'a' } })).message
    const again = (await client.getOrCreateMessage({ conversationId, userId, type: 'text', payload: { n: 2 }, tags: { ref, platform: 'a' } })).message
    assert.equal(again.id, first.id)
    assert.deepEqual(again.payload, { n: 1 })
    const other = (await client.getOrCreateMessage({ conversationId, userId, type: 'text', payload: {}, tags: { ref, platform: 'b' } })).message
    assert.notEqual(other.id, first.id)
    const byRef = (await client.getOrCreateMessage({ conversationId, userId, type: 'text', payload: {}, tags: { ref, platform: 'c' }, discriminateByTags: ['ref'] })).message
    assert.equal(byRef.id, first.id)

    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.getOrCreateMessage({ conversationId, userId, type: 'text', payload: {}, tags: { burst: ref } })),
    )
    assert.equal(new Set(results.map((r) => r.message.id)).size, 1)
  })

  it("never shows or changes another bot's messages", async () => {
    const client = clientFor(server())
    const other = await secondBot(server())
    const { message } = await client.createMessage({ conversationId, userId, type: 'text', payload: { secret: true }, tags: {} })
    await rejectsWith(other.client.getMessage({ id: message.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.updateMessage({ id: message.id, tags: { x: 'y' } }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.deleteMessage({ id: message.id }), 'ResourceNotFound', 404)
    assert.deepEqual((await other.client.listMessages({ conversationId })).messages, [])
    const theirUser = (await other.client.createUser({ tags: {} })).user
    await rejectsWith(other.client.createMessage({ conversationId, userId: theirUser.id, type: 'text', payload: {}, tags: {} }), 'ResourceNotFound', 404)
    assert.deepEqual((await client.getMessage({ id: message.id })).message.payload, { secret: true })
  })
})
