/**
 * Compatibility: the official @botpress/client (pinned 1.45.0), pointed at this server, through every chat
 * operation it has (1.45.0 has no task operations; chat-workflows.test.ts covers those over plain HTTP),
 * its `list.*` helpers across pages, and its error classes.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { Client, isApiError, InvalidPayloadError, ResourceNotFoundError } from '@botpress/client'
import { describeEachStore } from './support.js'
import { uniqueTag } from './chat-helpers.js'

describeEachStore('compat: official @botpress/client 1.45.0 on the chat runtime', ({ server }) => {
  const official = () => new Client({ apiUrl: server().url, token: server().token, botId: server().botId, retry: { retries: 0 } })

  it('users, conversations and participants', async () => {
    const client = official()
    const run = uniqueTag()
    const { user } = await client.createUser({ tags: { run }, name: 'Ada' })
    assert.equal((await client.getUser({ id: user.id })).user.name, 'Ada')
    assert.equal((await client.getOrCreateUser({ tags: { run } })).user.id, user.id)
    assert.deepEqual((await client.updateUser({ id: user.id, tags: { run: '', kept: 'x' } })).user.tags, { kept: 'x' })
    for (let i = 0; i < 25; i++) await client.createUser({ tags: { run } })
    assert.equal((await client.list.users({ tags: { run } }).collect()).length, 25, 'list.users follows nextToken')
    assert.equal((await client.listUsers({ tags: { run }, sortField: 'createdAt', sortDirection: 'asc' })).users.length, 20)

    const { conversation } = await client.createConversation({ channel: 'web', tags: { run } })
    assert.equal((await client.getConversation({ id: conversation.id })).conversation.channel, 'web')
    assert.equal((await client.getOrCreateConversation({ channel: 'web', tags: { run } })).conversation.id, conversation.id)
    assert.deepEqual((await client.updateConversation({ id: conversation.id, tags: { topic: 'a' } })).conversation.tags, { run, topic: 'a' })
    assert.deepEqual((await client.listConversations({ tags: { run } })).conversations.map((c) => c.id), [conversation.id])
    assert.equal((await client.list.conversations({ tags: { run } }).collect()).length, 1)

    assert.equal((await client.addParticipant({ id: conversation.id, userId: user.id })).participant.id, user.id)
    assert.equal((await client.getParticipant({ id: conversation.id, userId: user.id })).participant.id, user.id)
    assert.deepEqual((await client.listParticipants({ id: conversation.id })).participants.map((p) => p.id), [user.id])
    assert.deepEqual((await client.listConversations({ participantIds: [user.id] })).conversations.map((c) => c.id), [conversation.id])
    assert.deepEqual((await client.listUsers({ conversationId: conversation.id })).users.map((u) => u.id), [user.id])
    await client.removeParticipant({ id: conversation.id, userId: user.id })
    await client.deleteConversation({ id: conversation.id })
    await client.deleteUser({ id: user.id })

    const error = await client.getUser({ id: user.id }).catch((e: unknown) => e)
    assert.ok(isApiError(error))
    assert.ok(error instanceof ResourceNotFoundError)
    assert.equal(error.code, 404)
  })

  it('messages, events, states, workflows, tags, analytics and actions', async () => {
    const client = official()
    const { user } = await client.createUser({ tags: {} })
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const { message } = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'hi' }, tags: { ref: '1' } })
    assert.equal((await client.getMessage({ id: message.id })).message.payload.text, 'hi')
    assert.equal((await client.getOrCreateMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: {}, tags: { ref: '1' } })).message.id, message.id)
    assert.deepEqual((await client.updateMessage({ id: message.id, tags: { ref: '2' } })).message.tags, { ref: '2' })
    for (let i = 0; i < 21; i++) await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { i }, tags: {} })
    assert.equal((await client.list.messages({ conversationId: conversation.id }).collect()).length, 22)
    assert.equal((await client.listMessages({ conversationId: conversation.id, tags: { ref: '2' } })).messages.length, 1)
    await client.deleteMessage({ id: message.id })

    const { event } = await client.createEvent({ type: 'ping', payload: {}, conversationId: conversation.id })
    assert.equal((await client.getEvent({ id: event.id })).event.status, 'pending')
    const { event: scheduled } = await client.createEvent({ type: 'ping', payload: {}, schedule: { delay: 60_000 } })
    assert.equal(scheduled.status, 'scheduled')
    await client.cancelScheduledEvent({ id: scheduled.id })
    assert.ok((await client.listEvents({ conversationId: conversation.id })).events.some((e) => e.id === event.id))

    const key = { type: 'conversation' as const, id: conversation.id, name: 'memory' }
    await client.setState({ ...key, payload: { a: 1 }, expiry: 60_000 })
    assert.deepEqual((await client.getState(key)).state.payload, { a: 1 })
    assert.deepEqual((await client.patchState({ ...key, payload: { b: 2 } })).state.payload, { a: 1, b: 2 })
    await client.setStateExpiry({ ...key, expiry: null })
    assert.deepEqual((await client.getOrSetState({ ...key, payload: { ignored: true } })).state.payload, { a: 1, b: 2 })

    const { workflow } = await client.createWorkflow({ name: 'flow', status: 'pending', conversationId: conversation.id })
    assert.equal((await client.getWorkflow({ id: workflow.id })).workflow.name, 'flow')
    assert.equal((await client.updateWorkflow({ id: workflow.id, status: 'listening' })).workflow.status, 'listening')
    assert.equal((await client.getOrCreateWorkflow({ name: 'flow', status: 'pending', conversationId: conversation.id })).workflow.id, workflow.id)
    assert.ok((await client.listWorkflows({ conversationId: conversation.id })).workflows.some((w) => w.id === workflow.id))
    await client.deleteWorkflow({ id: workflow.id })

    await client.createUser({ tags: { color: 'blue' } })
    assert.ok((await client.listTagValues({ key: 'color', type: 'user' })).tags.some((t) => t.value === 'blue'))
    await client.trackAnalytics({ name: 'compat', count: 1 })

    const action = await client.callAction({ type: 'slack:send', input: {} }).catch((e: unknown) => e)
    assert.ok(action instanceof ResourceNotFoundError)
    const bad = await client.createUser({ tags: { t: 1 as unknown as string } }).catch((e: unknown) => e)
    assert.ok(bad instanceof InvalidPayloadError, 'a wrong type is a 400 InvalidPayload')
  })
})
