import assert from 'node:assert/strict'
import { it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { call, collectPages, rejectsWith, secondBot, sleep, uniqueTag } from './chat-helpers.js'

describeEachStore('chat: conversations and participants', ({ server }) => {
  it('creates, reads, updates and deletes a conversation', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'web', tags: { thread: '1', empty: '' } })
    assert.match(conversation.id, /^conv_/)
    assert.equal(conversation.channel, 'web')
    assert.equal(conversation.integration, '', 'a conversation made by the bot itself has no integration')
    assert.deepEqual(conversation.tags, { thread: '1' })
    assert.deepEqual((await client.getConversation({ id: conversation.id })).conversation, conversation)

    const { task } = await call(server(), 'createTask', { type: 'x', conversationId: conversation.id })
    await sleep(2)
    const { conversation: updated } = await client.updateConversation({ id: conversation.id, tags: { thread: '', topic: 'billing' }, currentTaskId: task.id })
    assert.deepEqual(updated.tags, { topic: 'billing' })
    assert.equal(updated.currentTaskId, task.id)
    assert.ok(updated.updatedAt > conversation.updatedAt)
    await rejectsWith(client.updateConversation({ id: conversation.id, currentTaskId: 'task_01JD0000000000000000000000' }), 'ResourceNotFound', 404)

    await client.deleteConversation({ id: conversation.id })
    await rejectsWith(client.getConversation({ id: conversation.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.deleteConversation({ id: conversation.id }), 'ResourceNotFound', 404)
  })

  it('records the integration name it was created with', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'dm', tags: {}, integrationName: 'telegram' })
    assert.equal(conversation.integration, 'telegram')
  })

  it('deleting a conversation takes its messages, participants and states with it', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const { user } = await client.createUser({ tags: {} })
    await client.addParticipant({ id: conversation.id, userId: user.id })
    const { message } = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'hi' }, tags: {} })
    await client.setState({ type: 'conversation', id: conversation.id, name: 'memory', payload: { a: 1 } })

    await client.deleteConversation({ id: conversation.id })
    await rejectsWith(client.getMessage({ id: message.id }), 'ResourceNotFound', 404)
    const db = server().server.store.db
    assert.equal((await db.selectFrom('participants').selectAll().where('conversationId', '=', conversation.id).execute()).length, 0)
    assert.equal((await db.selectFrom('states').selectAll().where('ownerId', '=', conversation.id).execute()).length, 0)
    assert.equal((await client.getUser({ id: user.id })).user.id, user.id, 'the user itself stays')
  })

  it('lists conversations by tags, channel, integration, participants and dates, across pages and in order', async () => {
    const client = clientFor(server())
    const run = uniqueTag()
    const made = []
    for (let i = 0; i < 23; i++) {
      made.push((await client.createConversation({ channel: i % 2 ? 'sms' : 'web', tags: { run }, integrationName: i < 3 ? 'slack' : undefined })).conversation)
    }
    const all = await collectPages(async (nextToken) => {
      const { conversations, meta } = await client.listConversations({ tags: { run }, nextToken })
      return { items: conversations, nextToken: meta.nextToken }
    })
    assert.deepEqual(all.pages, [20, 3])
    assert.deepEqual(all.items.map((c) => c.id), made.map((c) => c.id).reverse())

    const asc = await client.listConversations({ tags: { run }, sortField: 'createdAt', sortDirection: 'asc' })
    assert.deepEqual(asc.conversations.map((c) => c.id), made.slice(0, 20).map((c) => c.id))

    assert.equal((await client.listConversations({ tags: { run }, channel: 'sms' })).conversations.length, 11)
    assert.deepEqual(
      (await client.listConversations({ tags: { run }, integrationName: 'slack' })).conversations.map((c) => c.id),
      made.slice(0, 3).map((c) => c.id).reverse(),
    )

    const a = (await client.createUser({ tags: {} })).user
    const b = (await client.createUser({ tags: {} })).user
    await client.addParticipant({ id: made[4]!.id, userId: a.id })
    await client.addParticipant({ id: made[5]!.id, userId: a.id })
    await client.addParticipant({ id: made[5]!.id, userId: b.id })
    assert.deepEqual((await client.listConversations({ participantIds: [a.id] })).conversations.map((c) => c.id), [made[5]!.id, made[4]!.id])
    assert.deepEqual((await client.listConversations({ participantIds: [a.id, b.id] })).conversations.map((c) => c.id), [made[5]!.id])

    await sleep(2)
    await client.updateConversation({ id: made[0]!.id, tags: { touched: 'yes' } })
    const byUpdate = await client.listConversations({ tags: { run }, sortField: 'updatedAt', sortDirection: 'desc' })
    assert.equal(byUpdate.conversations[0]!.id, made[0]!.id)

    const middle = made[10]!.createdAt
    const after = await client.listConversations({ tags: { run }, afterDate: middle, sortDirection: 'asc' })
    assert.ok(after.conversations.every((c) => c.createdAt >= middle))
    assert.equal(after.conversations[0]!.id, made.find((c) => c.createdAt === middle)!.id)
    const before = await client.listConversations({ tags: { run }, beforeDate: middle })
    assert.ok(before.conversations.every((c) => c.createdAt <= middle))
  })

  it('getOrCreateConversation matches channel and tags, or only discriminateByTags', async () => {
    const client = clientFor(server())
    const id = uniqueTag()
    const { conversation } = await client.getOrCreateConversation({ channel: 'web', tags: { id, lang: 'en' } })
    assert.equal((await client.getOrCreateConversation({ channel: 'web', tags: { id, lang: 'en' } })).conversation.id, conversation.id)
    assert.notEqual((await client.getOrCreateConversation({ channel: 'sms', tags: { id, lang: 'en' } })).conversation.id, conversation.id)
    assert.notEqual((await client.getOrCreateConversation({ channel: 'web', tags: { id, lang: 'fr' } })).conversation.id, conversation.id)
    assert.equal(
      (await client.getOrCreateConversation({ channel: 'web', tags: { id, lang: 'de' }, discriminateByTags: ['id'] })).conversation.id,
      conversation.id,
    )
  })

  it('50 concurrent getOrCreateConversation calls with the same tags create exactly one conversation', async () => {
    const client = clientFor(server())
    const id = uniqueTag()
    const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrCreateConversation({ channel: 'web', tags: { concurrent: id } })))
    assert.equal(new Set(results.map((r) => r.conversation.id)).size, 1)
    assert.equal((await client.listConversations({ tags: { concurrent: id } })).conversations.length, 1)
  })

  it('adds, reads, lists and removes participants', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const users = []
    for (let i = 0; i < 22; i++) users.push((await client.createUser({ tags: {}, name: `u${i}` })).user)
    for (const user of users) assert.equal((await client.addParticipant({ id: conversation.id, userId: user.id })).participant.id, user.id)
    await client.addParticipant({ id: conversation.id, userId: users[0]!.id })

    const listed = await collectPages(async (nextToken) => {
      const { participants, meta } = await client.listParticipants({ id: conversation.id, nextToken })
      return { items: participants, nextToken: meta.nextToken }
    })
    assert.deepEqual(listed.pages, [20, 2])
    assert.deepEqual(listed.items.map((u) => u.id), users.map((u) => u.id), 'adding twice keeps one participant')

    assert.deepEqual((await client.getParticipant({ id: conversation.id, userId: users[3]!.id })).participant, users[3])
    await client.removeParticipant({ id: conversation.id, userId: users[3]!.id })
    await rejectsWith(client.getParticipant({ id: conversation.id, userId: users[3]!.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.removeParticipant({ id: conversation.id, userId: users[3]!.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.addParticipant({ id: conversation.id, userId: 'user_01JD0000000000000000000000' }), 'ResourceNotFound', 404)
    await rejectsWith(client.listParticipants({ id: 'conv_01JD0000000000000000000000' }), 'ResourceNotFound', 404)

    await client.deleteUser({ id: users[4]!.id })
    assert.equal((await client.listParticipants({ id: conversation.id })).participants.length, 20, 'a deleted user takes part no more')
  })

  it("never shows or changes another bot's conversations", async () => {
    const client = clientFor(server())
    const other = await secondBot(server())
    const run = uniqueTag()
    const { conversation } = await client.createConversation({ channel: 'web', tags: { run } })
    const { user } = await client.createUser({ tags: {} })
    const theirUser = (await other.client.createUser({ tags: {} })).user
    await client.addParticipant({ id: conversation.id, userId: user.id })

    await rejectsWith(other.client.getConversation({ id: conversation.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.updateConversation({ id: conversation.id, tags: { x: 'y' } }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.deleteConversation({ id: conversation.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.listParticipants({ id: conversation.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.getParticipant({ id: conversation.id, userId: user.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.removeParticipant({ id: conversation.id, userId: user.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.addParticipant({ id: conversation.id, userId: theirUser.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.addParticipant({ id: conversation.id, userId: theirUser.id }), 'ResourceNotFound', 404)
    assert.deepEqual((await other.client.listConversations({ tags: { run } })).conversations, [])
    assert.deepEqual((await client.getConversation({ id: conversation.id })).conversation.tags, { run })
  })
})
