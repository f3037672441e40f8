/**
 * What the runtime raises by itself: the bot definition's recurring events on their cron schedule, `state_expired`
 * when a state with an expiry lapses, and `workflow_update` when a workflow starts or continues.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachStore } from './support.js'
import { expectApiError } from './admin-support.js'
import { eventually, incoming, setupChat, startHandler, type ChatSetup, type Handler } from './runtime-support.js'

describeEachStore(
  'runtime: recurring events, expired states, workflow updates',
  ({ server }) => {
    let botHandler: Handler
    let chat: ChatSetup
    before(async () => {
      botHandler = await startHandler()
      chat = await setupChat(server(), { botUrl: botHandler.url }, { recurringEvents: { tick: { schedule: { cron: '* * * * * *' }, type: 'tick', payload: { every: 'second' } } } })
    })
    after(() => botHandler.close())

    const ofType = (type: string) => botHandler.received.filter((r) => r.body?.event?.type === type)

    it('a recurring event fires on its schedule, as its type with its payload', async () => {
      const first = await botHandler.waitFor((r) => r.body?.event?.type === 'tick', 5_000)
      assert.equal(first.headers['x-bp-type'], 'tick')
      assert.deepEqual(first.body.event.payload, { every: 'second' })
      await eventually(async () => ofType('tick').length, (n) => n >= 2, 5_000)
      const [a, b] = ofType('tick')
      assert.ok(b!.at - a!.at >= 500, 'one a second, not all at once')
    })

    it('removing a recurring event stops it; a cron that cannot be read is a 400 naming the field', async () => {
      await chat.admin.updateBot({ id: chat.botId, recurringEvents: { tick: null } } as never)
      const count = ofType('tick').length
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      assert.ok(ofType('tick').length <= count + 1, 'at most one already claimed')
      await expectApiError(chat.admin.updateBot({ id: chat.botId, recurringEvents: { bad: { schedule: { cron: 'every tuesday' }, type: 'x', payload: {} } } } as never), {
        code: 400,
        type: 'InvalidPayload',
        message: /recurringEvents\.bad\.schedule\.cron/,
      })
    })

    it('a state that expires is delivered to the bot as state_expired', async () => {
      const { conversation } = await incoming(chat, 'remember me')
      await chat.bot.setState({ type: 'conversation', id: conversation.id, name: 'memory', payload: { n: 1 }, expiry: 100 })
      const expired = await botHandler.waitFor((r) => r.body?.event?.type === 'state_expired', 5_000)
      assert.equal(expired.headers['x-bp-type'], 'state_expired')
      assert.equal(expired.body.event.payload.state.name, 'memory')
      assert.deepEqual(expired.body.event.payload.state.payload, { n: 1 })
      assert.equal(expired.body.event.conversationId, conversation.id)
      await expectApiError(chat.bot.getState({ type: 'conversation', id: conversation.id, name: 'memory' }), { code: 404 })
    })

    it('a workflow created pending starts (workflow_started); a message in its conversation continues it while it listens', async () => {
      const { conversation } = await incoming(chat, 'start a flow')
      const { workflow } = await chat.bot.createWorkflow({ name: 'onboarding', status: 'pending', conversationId: conversation.id, input: { step: 1 } })
      const started = await botHandler.waitFor((r) => r.body?.event?.payload?.workflow?.id === workflow.id)
      assert.equal(started.headers['x-bp-type'], 'workflow_update')
      assert.equal(started.body.event.payload.type, 'workflow_started')
      assert.equal(started.body.event.payload.conversation.id, conversation.id)
      await chat.bot.updateWorkflow({ id: workflow.id, status: 'listening' })
      const { message } = await incoming(chat, 'next step')
      const continued = await botHandler.waitFor((r) => r.body?.event?.payload?.type === 'workflow_continued' && r.body.event.payload.workflow.id === workflow.id)
      assert.equal(continued.body.event.payload.workflow.status, 'pending')
      assert.equal(continued.body.event.payload.conversation.id, conversation.id)
      const delivered = botHandler.received.map((r) => r.body?.event?.messageId ?? r.body?.event?.payload?.type)
      assert.ok(delivered.indexOf(message.id) < delivered.lastIndexOf('workflow_continued'), 'the message first, then the workflow')
    })
  },
  { deliveryPollMs: 50, deliveryBackoffMs: 20, runtimeTimeoutMs: 1_000 },
)
