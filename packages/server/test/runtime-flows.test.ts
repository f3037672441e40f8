/**
 * The runtime's flows, seen from the handlers: what reaches a bot and an integration (headers and bodies as the
 * SDK reads them), in what order, and what the API records of it. The handlers are real HTTP servers.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachStore } from './support.js'
import { decodeBase64Json, eventually, incoming, setupChat, startHandler, type ChatSetup, type Handler } from './runtime-support.js'

const fast = { runtimeTimeoutMs: 2_000, deliveryBackoffMs: 20, deliveryPollMs: 50 }

describeEachStore(
  'runtime: messages, events and identities',
  ({ server }) => {
    let botHandler: Handler
    let integrationHandler: Handler
    let chat: ChatSetup
    before(async () => {
      botHandler = await startHandler()
      integrationHandler = await startHandler()
      chat = await setupChat(server(), { botUrl: botHandler.url, integrationUrl: integrationHandler.url }, { configuration: { data: { tone: 'dry' } } })
    })
    after(async () => {
      await botHandler.close()
      await integrationHandler.close()
    })

    it('an incoming message reaches the bot as event_received / message_created with message, user and conversation', async () => {
      const { user, conversation, message } = await incoming(chat, 'hello bot')
      assert.equal(message.direction, 'incoming')
      const received = await botHandler.waitFor((r) => r.body?.event?.payload?.message?.id === message.id)
      assert.equal(received.method, 'POST')
      assert.equal(received.headers['x-bot-id'], chat.botId)
      assert.equal(received.headers['x-bp-operation'], 'event_received')
      assert.equal(received.headers['x-bp-type'], 'message_created')
      assert.deepEqual(decodeBase64Json(received.headers['x-bp-configuration']), { payload: JSON.stringify({ tone: 'dry' }) })
      const { event } = received.body
      assert.equal(event.type, 'message_created')
      assert.equal(event.conversationId, conversation.id)
      assert.equal(event.userId, user.id)
      assert.equal(event.messageId, message.id)
      assert.equal(event.payload.message.payload.text, 'hello bot')
      assert.equal(event.payload.user.id, user.id)
      assert.equal(event.payload.conversation.id, conversation.id)
      // The bot sees the integration's tags under its alias.
      assert.equal(event.payload.conversation.tags['chat:chatId'], 'c1')
      assert.equal(event.payload.conversation.integration, (await chat.admin.getIntegration({ id: chat.integrationId })).integration.name)
      const stored = await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'processed')
      assert.equal(stored.event.failureReason, null)
    })

    it("an integration key's message reads its bot's runtime view once: the key's check and the delivery share it", async () => {
      const { user, conversation } = await incoming(chat, 'warm the view')
      const runtime = server().server.runtime
      const read = runtime.bot
      let reads = 0
      runtime.bot = (db, botId) => {
        reads++
        return read.call(runtime, db, botId)
      }
      try {
        const { message } = await chat.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'read once' }, tags: {} })
        await botHandler.waitFor((r) => r.body?.event?.payload?.message?.id === message.id)
      } finally {
        runtime.bot = read
      }
      assert.equal(reads, 1)
    })

    it("an integration reads its own tags without prefix, and the bot's conversation records the integration", async () => {
      const { conversation } = await chat.integration.getOrCreateConversation({ channel: 'channel', tags: { chatId: 'c1' } })
      assert.deepEqual(conversation.tags, { chatId: 'c1' })
      const asBot = await chat.bot.getConversation({ id: conversation.id })
      assert.deepEqual(asBot.conversation.tags, { 'chat:chatId': 'c1' })
      const { conversations } = await chat.integration.listConversations({ tags: { chatId: 'c1' } })
      assert.deepEqual(conversations.map((c) => c.id), [conversation.id])
    })

    it("the bot's id is a user id: its reply is an outgoing message delivered to the integration, with the bot as user", async () => {
      const { conversation } = await incoming(chat, 'ping')
      assert.equal((await chat.bot.getUser({ id: chat.botId })).user.id, chat.botId)
      await chat.bot.addParticipant({ id: conversation.id, userId: chat.botId })
      const { message } = await chat.bot.createMessage({ conversationId: conversation.id, userId: chat.botId, type: 'text', payload: { text: 'pong' }, tags: {} })
      assert.equal(message.direction, 'outgoing')
      const received = await integrationHandler.waitFor((r) => r.headers['x-bp-operation'] === 'message_created' && r.body?.message?.id === message.id)
      assert.equal(received.headers['x-bot-id'], chat.botId)
      assert.equal(received.headers['x-bot-user-id'], chat.botId)
      assert.equal(received.headers['x-integration-id'], chat.integrationId)
      assert.equal(received.headers['x-integration-alias'], 'chat')
      assert.equal(received.headers['x-webhook-id'], chat.webhookId)
      assert.deepEqual(decodeBase64Json(received.headers['x-bp-configuration']), { greeting: 'hi' })
      assert.equal(received.body.type, 'text')
      assert.deepEqual(received.body.payload, { text: 'pong' })
      assert.equal(received.body.user.id, chat.botId)
      assert.deepEqual(received.body.conversation.tags, { chatId: 'c1' })
      // The bot's own message is not delivered back to it, and the bot's user is not among its users.
      assert.equal(botHandler.received.filter((r) => r.body?.event?.messageId === message.id).length, 0)
      assert.ok(!(await chat.bot.listUsers({})).users.some((u) => u.id === chat.botId))
    })

    it("an integration's event reaches the bot as <alias>:<type>; the bot's own events reach it as they are", async () => {
      const { event } = await chat.integration.createEvent({ type: 'ping', payload: { n: 1 } })
      assert.equal(event.type, 'chat:ping')
      const received = await botHandler.waitFor((r) => r.body?.event?.id === event.id)
      assert.equal(received.headers['x-bp-type'], 'chat:ping')
      assert.deepEqual(received.body.event.payload, { n: 1 })
      const own = (await chat.bot.createEvent({ type: 'reminder', payload: { due: true } })).event
      assert.equal((await botHandler.waitFor((r) => r.body?.event?.id === own.id)).headers['x-bp-type'], 'reminder')
      await eventually(() => chat.bot.getEvent({ id: own.id }), (r) => r.event.status === 'processed')
    })

    it('a scheduled event is delivered at its time, not before, and a canceled one never', async () => {
      const delay = 400
      const created = Date.now()
      const { event } = await chat.bot.createEvent({ type: 'later', payload: {}, schedule: { delay } })
      const { event: canceled } = await chat.bot.createEvent({ type: 'never', payload: {}, schedule: { delay } })
      assert.equal(event.status, 'scheduled')
      await chat.bot.cancelScheduledEvent({ id: canceled.id })
      const received = await botHandler.waitFor((r) => r.body?.event?.id === event.id)
      assert.ok(received.at - created >= delay - 5, `delivered after ${received.at - created} ms`)
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.equal(botHandler.received.filter((r) => r.body?.event?.id === canceled.id).length, 0)
      assert.equal((await chat.bot.getEvent({ id: canceled.id })).event.status, 'canceled')
    })

    it('a personal token with x-integration-id and x-bot-id acts as that integration (what bp dev gives it)', async () => {
      const asDevIntegration = new (chat.admin.constructor as typeof import('@bpkit/client').Client)({
        apiUrl: server().url,
        token: server().token,
        botId: chat.botId,
        integrationId: chat.integrationId,
        retry: false,
      })
      const { user } = await asDevIntegration.getOrCreateUser({ tags: { chatUserId: 'dev' } })
      const { conversation } = await asDevIntegration.getOrCreateConversation({ channel: 'channel', tags: { chatId: 'dev' } })
      const { message } = await asDevIntegration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'from bp dev' }, tags: {} })
      assert.equal(message.direction, 'incoming')
      assert.deepEqual((await chat.bot.getConversation({ id: conversation.id })).conversation.tags, { 'chat:chatId': 'dev' })
      await botHandler.waitFor((r) => r.body?.event?.messageId === message.id)
    })
  },
  fast,
)
