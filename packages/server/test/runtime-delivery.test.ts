/**
 * Delivery semantics: retried with backoff on a refused connection, a time-out or a 5xx, never on a 4xx (the
 * handler's own failure, recorded as the event's reason, a bot issue and a log line); in order per conversation;
 * and a bot that misbehaves (hangs, crashes, answers garbage) never holds up another bot or an API call.
 * Every handler is a real HTTP server, misbehaving on purpose.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachStore } from './support.js'
import { closedPort, eventually, incoming, setupChat, sleep, startHandler, type Handler, type Reply } from './runtime-support.js'

const options = { runtimeTimeoutMs: 500, deliveryBackoffMs: 30, deliveryPollMs: 50, deliveryAttempts: 3, deliveryConcurrencyPerBot: 2 }

describeEachStore(
  'runtime: delivery',
  ({ server }) => {
    const handlers: Handler[] = []
    const handler = async (reply: (r: any) => Reply | Promise<Reply>) => {
      const h = await startHandler(reply)
      handlers.push(h)
      return h
    }
    after(async () => {
      for (const h of handlers) await h.close()
    })
    const attemptsOf = (eventId: string) =>
      server().server.store.db.selectFrom('deliveries').innerJoin('deliveryAttempts', 'deliveryAttempts.deliveryId', 'deliveries.id').select(['deliveryAttempts.status', 'deliveryAttempts.error', 'deliveryAttempts.durationMs']).where('deliveries.eventId', '=', eventId).orderBy('deliveryAttempts.startedAt').execute()

    it('a 5xx or a dropped connection is retried until it is answered; every attempt is kept', async () => {
      let calls = 0
      const bot = await handler(() => (++calls === 1 ? { status: 503, body: 'busy' } : calls === 2 ? { destroy: true } : {}))
      const chat = await setupChat(server(), { botUrl: bot.url })
      const { event } = await chat.bot.createEvent({ type: 'retry-me', payload: {} })
      await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'processed')
      const attempts = await attemptsOf(event.id)
      assert.deepEqual(attempts.map((a) => a.status), [503, null, 200])
      assert.ok(attempts[1]!.error)
    })

    it("a 4xx is the handler's own failure: not retried, the event fails with its message, as a bot issue and a log line", async () => {
      const bot = await handler(() => ({ status: 400, body: { id: 'err_x', code: 400, type: 'Runtime', message: 'handler exploded: bad state' } }))
      const chat = await setupChat(server(), { botUrl: bot.url })
      const { event } = await chat.bot.createEvent({ type: 'fails', payload: {} })
      const failed = await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'failed')
      assert.equal(failed.event.failureReason, 'handler exploded: bad state')
      assert.equal((await attemptsOf(event.id)).length, 1)
      const { issues } = await eventually(() => chat.admin.listBotIssues({ id: chat.botId }), (r) => r.issues.length > 0)
      assert.match(issues[0]!.code, /delivery:bot:fails/)
      const { logs } = await eventually(
        () => chat.admin.getBotLogs({ id: chat.botId, timeStart: new Date(Date.now() - 60_000).toISOString(), timeEnd: new Date(Date.now() + 60_000).toISOString() }),
        (r) => r.logs.some((l) => /handler exploded/.test(l.message)),
      )
      assert.equal(logs.find((l) => /handler exploded/.test(l.message))!.level, 'error')
    })

    it('a refused connection is retried with backoff, then fails for good saying why', async () => {
      const chat = await setupChat(server(), { botUrl: await closedPort() })
      const { event } = await chat.bot.createEvent({ type: 'nobody-home', payload: {} })
      const failed = await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'failed')
      assert.match(failed.event.failureReason ?? '', /ECONNREFUSED/)
      assert.match(failed.event.failureReason ?? '', /gave up after 3 attempts/)
      assert.equal((await attemptsOf(event.id)).length, 3)
    })

    it('a redelivery sends a failed delivery again', async () => {
      let fail = true
      const bot = await handler(() => (fail ? { status: 400, body: { message: 'not yet' } } : {}))
      const chat = await setupChat(server(), { botUrl: bot.url })
      const { event } = await chat.bot.createEvent({ type: 'again', payload: {} })
      await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'failed')
      fail = false
      const delivery = await server().server.store.db.selectFrom('deliveries').select('id').where('eventId', '=', event.id).executeTakeFirstOrThrow()
      assert.equal(await server().server.runtime.redeliver(delivery.id), true)
      const done = await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'processed')
      assert.equal(done.event.failureReason, null)
    })

    it('per conversation, the next delivery waits until the one before is answered; other conversations go on', async () => {
      const order: string[] = []
      let elsewhereStarted!: () => void
      const elsewhere = new Promise<void>((resolve) => (elsewhereStarted = resolve))
      const bot = await handler(async (r) => {
        const text = r.body?.event?.payload?.message?.payload?.text
        order.push(`start ${text}`)
        if (text === 'elsewhere') elsewhereStarted()
        // "first" is answered only once the other conversation's delivery has started (or after 3 s): one
        // conversation's wait must not hold up another's.
        if (text === 'first') await Promise.race([elsewhere, sleep(3_000)])
        order.push(`end ${text}`)
        return {}
      })
      const chat = await setupChat(server(), { botUrl: bot.url })
      await incoming(chat, 'first', 'a')
      await incoming(chat, 'second', 'a')
      await incoming(chat, 'elsewhere', 'b')
      await eventually(async () => order.length, (n) => n === 6)
      assert.ok(order.indexOf('end first') < order.indexOf('start second'), order.join(', '))
      assert.ok(order.indexOf('start elsewhere') < order.indexOf('end first'), order.join(', '))
    })

    it('messages written at once keep the per-bot bound and, in each conversation, one delivery at a time', async () => {
      let inFlight = 0
      let most = 0
      const active = new Map<string, number>()
      const overlaps: string[] = []
      const bot = await handler(async (r) => {
        const conversationId: string = r.body?.event?.payload?.message?.conversationId
        inFlight++
        most = Math.max(most, inFlight)
        active.set(conversationId, (active.get(conversationId) ?? 0) + 1)
        if (active.get(conversationId)! > 1) overlaps.push(conversationId)
        await sleep(40)
        active.set(conversationId, active.get(conversationId)! - 1)
        inFlight--
        return {}
      })
      const chat = await setupChat(server(), { botUrl: bot.url })
      const { user } = await chat.integration.getOrCreateUser({ tags: { chatUserId: 'u1' } })
      const conversations = await Promise.all(['p', 'q', 'r', 's'].map((chatId) => chat.integration.getOrCreateConversation({ channel: 'channel', tags: { chatId } })))
      // Three messages per conversation, all written at the same time.
      const writes = conversations.flatMap(({ conversation }) => [1, 2, 3].map((n) => ({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: `${n}` }, tags: {} })))
      await Promise.all(writes.map((message) => chat.integration.createMessage(message)))
      await eventually(async () => bot.received.length, (n) => n === writes.length)
      await eventually(async () => inFlight, (n) => n === 0)
      assert.ok(most <= 2, `at most 2 deliveries in flight to one bot, saw ${most}`)
      assert.ok(most >= 2, 'two conversations proceed at once')
      assert.deepEqual(overlaps, [], 'one delivery at a time per conversation')
      // Messages written concurrently have no order between them; each is delivered once.
      const delivered = bot.received.map((r) => r.body.event.payload.message.id as string)
      assert.equal(new Set(delivered).size, writes.length)
    })

    it('a bot that hangs or crashes holds up neither another bot nor the API; a garbage 2xx counts as answered', async () => {
      const hanging = await handler(() => ({ hang: true }))
      const crashing = await handler(() => ({ destroy: true }))
      const garbage = await handler(() => ({ body: '<<not json>>' }))
      const healthy = await handler(() => ({}))
      const chats = await Promise.all([hanging, crashing, garbage, healthy].map((h) => setupChat(server(), { botUrl: h.url })))
      const started = Date.now()
      const events = await Promise.all(chats.map((c) => c.bot.createEvent({ type: 'load', payload: {} })))
      assert.ok(Date.now() - started < 2_000, 'the API answers without waiting for any handler')
      const [, , garbageChat, healthyChat] = chats
      await eventually(() => healthyChat!.bot.getEvent({ id: events[3]!.event.id }), (r) => r.event.status === 'processed', 1_500)
      await eventually(() => garbageChat!.bot.getEvent({ id: events[2]!.event.id }), (r) => r.event.status === 'processed', 1_500)
      const hung = await eventually(() => chats[0]!.bot.getEvent({ id: events[0]!.event.id }), (r) => r.event.status === 'failed')
      assert.match(hung.event.failureReason ?? '', /no answer within 500 ms/)
      await eventually(() => chats[1]!.bot.getEvent({ id: events[1]!.event.id }), (r) => r.event.status === 'failed')
      assert.equal((await fetch(`${server().url}/healthz`)).status, 200)
    })

    it("an event the bot's subscriptions leave out is ignored, not delivered", async () => {
      const bot = await handler(() => ({}))
      const chat = await setupChat(server(), { botUrl: bot.url }, { subscriptions: { events: { 'chat:other': {} } } })
      const { event } = await chat.integration.createEvent({ type: 'ping', payload: {} })
      assert.equal(event.status, 'ignored')
      const { event: own } = await chat.bot.createEvent({ type: 'mine', payload: {} })
      await bot.waitFor((r) => r.body?.event?.id === own.id)
      assert.equal(bot.received.filter((r) => r.body?.event?.id === event.id).length, 0)
    })
  },
  options,
)

// With the poll a minute away, only what happens in this process can set a delivery off: the test fails (after
// `eventually`'s 10 s) if a delivery waits for the poll.
describeEachStore(
  'runtime: delivery without waiting for the poll',
  ({ server }) => {
    it('a delivery held back behind one in flight goes out as soon as that one is answered', async () => {
      const order: string[] = []
      const bot = await startHandler(async (r) => {
        const text = r.body?.event?.payload?.message?.payload?.text
        order.push(`start ${text}`)
        if (text === 'first') await sleep(200)
        order.push(`end ${text}`)
        return {}
      })
      try {
        const chat = await setupChat(server(), { botUrl: bot.url })
        await incoming(chat, 'first', 'a')
        await incoming(chat, 'second', 'a')
        await eventually(async () => order.length, (n) => n === 4)
        assert.deepEqual(order, ['start first', 'end first', 'start second', 'end second'])
        // And again once the dispatcher has found the outbox empty: a new message still goes out at once.
        await incoming(chat, 'third', 'a')
        await eventually(async () => order.length, (n) => n === 6)
      } finally {
        await bot.close()
      }
    })
  },
  { ...options, deliveryPollMs: 60_000 },
)
