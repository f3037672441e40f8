import assert from 'node:assert/strict'
import { it } from 'node:test'
import { chatSection } from '../src/chat/index.js'
import { clientFor, describeEachStore } from './support.js'
import { collectPages, rejectsWith, secondBot, sleep, uniqueTag } from './chat-helpers.js'

describeEachStore('chat: events', ({ server }) => {
  it('creates and reads an event linked to a conversation, user and message', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const { user } = await client.createUser({ tags: {} })
    const { message } = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: {}, tags: {} })
    const { event } = await client.createEvent({ type: 'reminder', payload: { a: 1 }, conversationId: conversation.id, userId: user.id, messageId: message.id })
    assert.match(event.id, /^evt_/)
    assert.equal(event.status, 'pending')
    assert.equal(event.failureReason, null)
    assert.equal(event.conversationId, conversation.id)
    assert.deepEqual((await client.getEvent({ id: event.id })).event, event)
    await rejectsWith(client.getEvent({ id: 'evt_01JD0000000000000000000000' }), 'ResourceNotFound', 404)
    await rejectsWith(client.createEvent({ type: 'x', payload: {}, conversationId: 'conv_01JD0000000000000000000000' }), 'ResourceNotFound', 404)
  })

  it('a scheduled event is stored as scheduled and becomes due at its time', async () => {
    const client = clientFor(server())
    const type = `tick-${uniqueTag()}`
    const { event } = await client.createEvent({ type, payload: {}, schedule: { delay: 400 } })
    assert.equal(event.status, 'scheduled')
    assert.deepEqual((await client.listEvents({ type, status: 'scheduled' })).events.map((e) => e.id), [event.id])
    assert.deepEqual((await client.listEvents({ type, status: 'pending' })).events, [])
    await sleep(500)
    assert.equal((await client.getEvent({ id: event.id })).event.status, 'pending')
    assert.deepEqual((await client.listEvents({ type, status: 'pending' })).events.map((e) => e.id), [event.id])
    assert.deepEqual((await client.listEvents({ type, status: 'scheduled' })).events, [])

    const past = (await client.createEvent({ type, payload: {}, schedule: { dateTime: new Date(Date.now() - 1000).toISOString() } })).event
    assert.equal(past.status, 'pending', 'a time already past is due at once')
    await rejectsWith(client.createEvent({ type, payload: {}, schedule: {} }), 'InvalidPayload', 400)
    await rejectsWith(client.createEvent({ type, payload: {}, schedule: { dateTime: 'next tuesday at noon, ok?' } }), 'InvalidPayload', 400)
  })

  it('cancels a scheduled event, and only one that is still scheduled', async () => {
    const client = clientFor(server())
    const { event } = await client.createEvent({ type: 'later', payload: {}, schedule: { delay: 3_600_000 } })
    await client.cancelScheduledEvent({ id: event.id })
    assert.equal((await client.getEvent({ id: event.id })).event.status, 'canceled')
    await rejectsWith(client.cancelScheduledEvent({ id: event.id }), 'InvalidPayload', 400)
    const { event: now } = await client.createEvent({ type: 'now', payload: {} })
    await rejectsWith(client.cancelScheduledEvent({ id: now.id }), 'InvalidPayload', 400)
    await rejectsWith(client.cancelScheduledEvent({ id: 'evt_01JD0000000000000000000000' }), 'ResourceNotFound', 404)
  })

  it('the sweep promotes due events in the store', async () => {
    const client = clientFor(server())
    const { event } = await client.createEvent({ type: 'swept', payload: {}, schedule: { delay: 50 } })
    await sleep(80)
    const { store } = server().server
    await chatSection.sweep!({ store, clock: { now: () => new Date() }, config: server().server.config } as never)
    const row = await store.db.selectFrom('events').select('status').where('id', '=', event.id).executeTakeFirstOrThrow()
    assert.equal(row.status, 'pending')
  })

  it('lists events by type, conversation, user, message and status across pages', async () => {
    const client = clientFor(server())
    const type = `listed-${uniqueTag()}`
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const { user } = await client.createUser({ tags: {} })
    const made = []
    for (let i = 0; i < 24; i++) {
      made.push((await client.createEvent({ type, payload: { i }, ...(i < 4 && { conversationId: conversation.id }), ...(i === 5 && { userId: user.id }) })).event)
    }
    const all = await collectPages(async (nextToken) => {
      const { events, meta } = await client.listEvents({ type, nextToken })
      return { items: events, nextToken: meta.nextToken }
    })
    assert.deepEqual(all.pages, [20, 4])
    assert.deepEqual(all.items.map((e) => e.id), made.map((e) => e.id).reverse())
    assert.equal((await client.listEvents({ conversationId: conversation.id })).events.length, 4)
    assert.deepEqual((await client.listEvents({ userId: user.id })).events.map((e) => e.id), [made[5]!.id])
  })

  it("never shows another bot's events", async () => {
    const client = clientFor(server())
    const other = await secondBot(server())
    const type = `private-${uniqueTag()}`
    const { event } = await client.createEvent({ type, payload: {}, schedule: { delay: 3_600_000 } })
    await rejectsWith(other.client.getEvent({ id: event.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.cancelScheduledEvent({ id: event.id }), 'ResourceNotFound', 404)
    assert.deepEqual((await other.client.listEvents({ type })).events, [])
    assert.equal((await client.getEvent({ id: event.id })).event.status, 'scheduled')
  })
})
