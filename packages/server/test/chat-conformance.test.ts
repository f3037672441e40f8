/**
 * Response conformance: the raw body of every chat operation's answer validates against the spec's response
 * schema for that operation, and carries the spec's success status.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { publicOperations, type PublicOperationName } from '@bpkit/spec'
import { describeEachStore } from './support.js'
import { rawCall } from './chat-helpers.js'
import { assertConforms } from './conformance-support.js'

describeEachStore('chat: responses conform to the spec', ({ server }) => {
  it('every chat operation answers a body its response schema accepts', async () => {
    const checked = new Set<string>()
    const call = async (op: PublicOperationName, input: Record<string, any>): Promise<any> => {
      const answer = await rawCall(server(), op, input)
      assert.equal(answer.status, publicOperations[op].status, `${op} answered ${answer.status}: ${JSON.stringify(answer.body)}`)
      assertConforms(op, answer.body)
      checked.add(op)
      return answer.body
    }

    const { user } = await call('createUser', { tags: { a: '1' }, name: 'N', pictureUrl: 'https://example.com/p.png' })
    await call('getUser', { id: user.id })
    await call('getOrCreateUser', { tags: { a: '2' } })
    await call('updateUser', { id: user.id, name: null, tags: { a: '' } })
    for (let i = 0; i < 21; i++) await call('createUser', { tags: { page: 'yes' } })
    const page = await call('listUsers', { tags: { page: 'yes' } })
    assert.ok(page.meta.nextToken)
    await call('listUsers', { tags: { page: 'yes' }, nextToken: page.meta.nextToken })

    const { conversation } = await call('createConversation', { channel: 'web', tags: { c: '1' } })
    await call('getConversation', { id: conversation.id })
    await call('getOrCreateConversation', { channel: 'web', tags: { c: '2' } })
    await call('updateConversation', { id: conversation.id, tags: { c: '' } })
    await call('listConversations', { sortField: 'updatedAt', sortDirection: 'asc' })
    await call('addParticipant', { id: conversation.id, userId: user.id })
    await call('getParticipant', { id: conversation.id, userId: user.id })
    await call('listParticipants', { id: conversation.id })

    const { message } = await call('createMessage', { conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'x' }, tags: {} })
    await call('getOrCreateMessage', { conversationId: conversation.id, userId: user.id, type: 'text', payload: {}, tags: { m: '1' } })
    await call('getMessage', { id: message.id })
    await call('updateMessage', { id: message.id, tags: { m: '2' } })
    await call('listMessages', { conversationId: conversation.id })

    const { event } = await call('createEvent', { type: 'e', payload: {}, conversationId: conversation.id })
    const { event: later } = await call('createEvent', { type: 'e', payload: {}, schedule: { delay: 60_000 } })
    await call('getEvent', { id: event.id })
    await call('listEvents', { type: 'e' })
    await call('cancelScheduledEvent', { id: later.id })

    const key = { type: 'conversation', id: conversation.id, name: 's' }
    await call('setState', { ...key, payload: { a: 1 }, expiry: 60_000 })
    await call('getState', key)
    await call('patchState', { ...key, payload: { b: 2 } })
    await call('setStateExpiry', { ...key, expiry: null })
    await call('getOrSetState', { ...key, name: 'other', payload: {} })
    await call('setState', { ...key, payload: null })

    const { workflow } = await call('createWorkflow', { name: 'w', status: 'pending', conversationId: conversation.id })
    await call('getWorkflow', { id: workflow.id })
    await call('updateWorkflow', { id: workflow.id, status: 'completed', output: { ok: true } })
    await call('getOrCreateWorkflow', { name: 'w2', status: 'listening' })
    await call('listWorkflows', {})
    const { task } = await call('createTask', { type: 't', conversationId: conversation.id })
    await call('getTask', { id: task.id })
    await call('updateTask', { id: task.id, status: 'completed' })
    await call('listTasks', {})

    await call('listTagValues', { key: 'a', type: 'user' })
    await call('trackAnalytics', { name: 'n', count: 1 })

    await call('deleteTask', { id: task.id })
    await call('deleteWorkflow', { id: workflow.id })
    await call('deleteMessage', { id: message.id })
    await call('removeParticipant', { id: conversation.id, userId: user.id })
    await call('deleteConversation', { id: conversation.id })
    await call('deleteUser', { id: user.id })

    assert.equal(checked.size, 44, `checked ${[...checked].join(', ')}`)
  })
})
