/**
 * What the runtime writes grows with use (messages, events, deliveries and their attempts, workflows), so what
 * it reads on each message or sweep must be found by an index, never by reading all of it: the lookups of
 * what still waits (a pending delivery, a scheduled event, a listening workflow) read the partial index that
 * holds only what waits (migration 015), and the retention sweep reads each bot's old rows only.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { runtimeSection } from '../src/runtime/index.js'
import { describeEachStore } from './support.js'
import { recordStatements, scansOf } from './sqlite-plans.js'
import { eventually, incoming, setupChat, startHandler, type ChatSetup, type Handler } from './runtime-support.js'

const fast = { runtimeTimeoutMs: 2_000, deliveryBackoffMs: 20, deliveryPollMs: 50 }

describeEachStore(
  'runtime: what a message, a schedule and a sweep read',
  ({ server, store }) => {
    let botHandler: Handler
    let integrationHandler: Handler
    let chat: ChatSetup
    before(async () => {
      botHandler = await startHandler()
      integrationHandler = await startHandler()
      chat = await setupChat(server(), { botUrl: botHandler.url, integrationUrl: integrationHandler.url })
    })
    after(async () => {
      await botHandler.close()
      await integrationHandler.close()
    })

    it('the retention sweep drops each bot’s settled deliveries and attempts older than the retention, and keeps pending and recent ones', async () => {
      const { db } = server().server.store
      const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString()
      const recent = new Date().toISOString()
      const delivery = (id: string, status: string, updatedAt: string) => ({
        id,
        botId: chat.botId,
        target: 'bot' as const,
        integrationId: '',
        alias: '',
        operation: 'event_received',
        type: 'ping',
        eventId: null,
        conversationId: null,
        orderKey: id,
        body: '{}',
        // A pending one far in the future: the dispatcher must not send it while the test runs.
        status,
        dueAt: status === 'pending' ? '2999-01-01T00:00:00.000Z' : updatedAt,
        attempts: 1,
        leaseUntil: null,
        lastError: null,
        createdAt: updatedAt,
        updatedAt,
      })
      await db
        .insertInto('deliveries')
        .values([
          delivery('dlvr_old_delivered', 'delivered', longAgo),
          delivery('dlvr_old_failed', 'failed', longAgo),
          delivery('dlvr_old_pending', 'pending', longAgo),
          delivery('dlvr_new_delivered', 'delivered', recent),
        ])
        .execute()
      const attempt = (id: string, deliveryId: string, startedAt: string) => ({ id, deliveryId, botId: chat.botId, startedAt, durationMs: 1, request: '{}', status: 200, response: '{}', error: null })
      await db
        .insertInto('deliveryAttempts')
        .values([attempt('datt_old', 'dlvr_old_pending', longAgo), attempt('datt_new', 'dlvr_new_delivered', recent)])
        .execute()

      const services = { ...server().server, store: server().server.store, clock: { now: () => new Date() } }
      await runtimeSection.sweep!({ ...services, config: { ...server().server.config, logRetentionDays: 0 } } as never)
      const ids = async (table: 'deliveries' | 'deliveryAttempts', prefix: string) =>
        (await db.selectFrom(table).select('id').where('botId', '=', chat.botId).where('id', 'like', `${prefix}%`).orderBy('id').execute()).map((r) => r.id)
      assert.deepEqual(await ids('deliveries', 'dlvr_'), ['dlvr_new_delivered', 'dlvr_old_delivered', 'dlvr_old_failed', 'dlvr_old_pending'], 'a retention of 0 keeps everything')

      await runtimeSection.sweep!({ ...services, config: server().server.config } as never)
      assert.deepEqual(await ids('deliveries', 'dlvr_'), ['dlvr_new_delivered', 'dlvr_old_pending'])
      assert.deepEqual(await ids('deliveryAttempts', 'datt_'), ['datt_new'])
      await db.deleteFrom('deliveries').where('id', 'in', ['dlvr_new_delivered', 'dlvr_old_pending']).execute()
    })

    if (store.name !== 'sqlite') return

    it('no statement of a message round trip, a scheduled event, a listening workflow or the sweep reads a whole table that grows', async () => {
      await recordStatements(async () => {
        const { conversation, user, message } = await incoming(chat, 'plans')
        await botHandler.waitFor((r) => r.body?.event?.payload?.message?.id === message.id)
        await chat.bot.createMessage({ conversationId: conversation.id, userId: chat.botId, type: 'text', payload: { text: 'reply' }, tags: {} })
        await integrationHandler.waitFor((r) => r.headers['x-bp-operation'] === 'message_created' && r.body?.payload?.text === 'reply')
        const { workflow } = await chat.bot.createWorkflow({ name: 'listener', conversationId: conversation.id, userId: user.id, status: 'listening', input: {} } as never)
        await incoming(chat, 'continue the workflow')
        await eventually(() => chat.bot.getWorkflow({ id: workflow.id }), (r) => r.workflow.status === 'pending')
        await chat.bot.createEvent({ type: 'ping', payload: {}, conversationId: conversation.id, schedule: { delay: 100 } } as never)
        await botHandler.waitFor((r) => r.headers['x-bp-type'] === 'ping')
        await chat.bot.listEvents({ status: 'pending' } as never)
        const services = { ...server().server, store: server().server.store, clock: { now: () => new Date() } }
        await runtimeSection.sweep!({ ...services, config: server().server.config } as never)
      })

      const { scans, indexes: used } = scansOf(['messages', 'events', 'deliveries', 'deliveryAttempts', 'workflows'])
      assert.deepEqual(scans, [], 'statements that read a whole growing table')
      for (const index of ['deliveries_order', 'deliveries_due', 'workflows_listening', 'events_scheduled', 'deliveries_bot_updated', 'deliveryAttempts_bot_started']) {
        assert.ok(used.has(index), `a statement reads ${index} (indexes read: ${[...used].sort().join(', ')})`)
      }
    })
  },
  fast,
)
