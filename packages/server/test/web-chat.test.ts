/**
 * Chat with the bot (WEB-CONTRACT.md "Chat with the bot"): bpkit's built-in `bpkit-chat` integration, served by
 * the server itself and installed on demand, end to end with a real `@botpress/sdk` 5.4.3 echo bot: a message
 * sent through `/_bpkit/bots/<id>/chat/messages` reaches the bot through the runtime, and its reply arrives on
 * `/live`.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import type { Client } from '@bpkit/client'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount } from './admin-support.js'
import { addMember } from './members-support.js'
import { botDefinition, startCollector, startFixture, type Collector, type RunningFixture } from './fixtures/runtime/harness.js'
import { assertBotpressError, openLive, signIn, until, web, type Session } from './web-support.js'

describeEachStore(
  'web chat with an @botpress/sdk bot',
  ({ server }) => {
    let collector: Collector
    let bot: RunningFixture
    let botId: string
    let admin: Client
    let session: Session

    before(async () => {
      collector = await startCollector()
      admin = clientFor(server(), { botId: undefined })
      const created = await admin.createBot({ dev: true, name: 'echo', ...botDefinition } as never)
      botId = created.bot.id
      const key = (await admin.createBotApiKey({ botId, note: 'chat test' } as never)) as { value: string }
      bot = await startFixture('sdk5-bot', { FIXTURE_REPORT_URL: collector.url, BP_API_URL: server().url, BP_TOKEN: key.value })
      await admin.updateBot({ id: botId, url: bot.url } as never)
      session = await signIn(server())
    })
    after(async () => {
      await bot?.stop()
      await collector?.close()
    })

    const chat = (path: string, body?: unknown, options: { csrf?: boolean; as?: Session } = {}) =>
      web(server(), options.as ?? session, `/_bpkit/bots/${botId}/chat/${path}`, { method: 'POST', body, csrf: options.csrf })

    it('install puts bpkit-chat on the bot (registered with this server), once', async () => {
      assertBotpressError(await chat('install', undefined, { csrf: false }), 403, 'Forbidden', /x-bpkit-csrf/)
      const first = await chat('install')
      assert.equal(first.status, 200, JSON.stringify(first.body))
      assert.equal(first.body.alias, 'bpkit-chat')
      assert.match(first.body.integrationId, /^intg_/)
      const { bot: installed } = await admin.getBot({ id: botId })
      const entry = installed.integrations['bpkit-chat']!
      assert.equal(entry.id, first.body.integrationId)
      assert.equal(entry.name, 'bpkit-chat')
      assert.equal(entry.status, 'registered', entry.statusReason ?? '')
      const again = await chat('install')
      assert.deepEqual(again.body, first.body)
      const { integration } = await admin.getIntegration({ id: first.body.integrationId })
      assert.deepEqual(Object.keys(integration.channels), ['webchat'])
      assert.deepEqual(Object.keys(integration.channels.webchat!.messages).sort(), ['card', 'carousel', 'choice', 'dropdown', 'image', 'text'])
    })

    it("a message typed in the dashboard reaches the bot, and the bot's echo arrives on /live", async () => {
      const live = await openLive(server(), `botId=${botId}`, { session })
      const sent = await chat('messages', { type: 'text', payload: { text: 'hi bot' } })
      assert.equal(sent.status, 200, JSON.stringify(sent.body))
      assert.match(sent.body.conversationId, /^conv_/)
      assert.equal(sent.body.message.direction, 'incoming')
      assert.equal(sent.body.message.conversationId, sent.body.conversationId)

      const seen = await collector.waitFor((r: any) => r.kind === 'message' && r.message?.payload?.text === 'hi bot', 15_000) as any
      assert.equal(seen.conversation.integration, 'bpkit-chat')
      assert.equal(seen.conversation.channel, 'webchat')
      assert.equal(seen.user.tags['bpkit-chat:accountId'], session.accountId)

      const incoming = await live.waitFor((e) => e.event === 'message' && e.data.message.id === sent.body.message.id)
      assert.equal(incoming.data.message.direction, 'incoming')
      const echo = await live.waitFor((e) => e.event === 'message' && e.data.message.conversationId === sent.body.conversationId && e.data.message.payload.text === 'echo: hi bot', 15_000)
      assert.equal(echo.data.message.direction, 'outgoing')
      assert.equal(echo.data.message.userId, botId)
      // The reply was delivered to bpkit-chat (this server) like to any integration.
      await live.waitFor((e) => e.event === 'delivery' && e.data.delivery.target === 'integration' && e.data.delivery.alias === 'bpkit-chat' && e.data.delivery.status === 'delivered', 15_000)
      await live.waitFor((e) => e.event === 'event' && e.data.event.messageId === sent.body.message.id && e.data.event.status === 'processed', 15_000)

      const next = await chat('messages', { conversationId: sent.body.conversationId, type: 'text', payload: { text: 'again' } })
      assert.equal(next.body.conversationId, sent.body.conversationId)
      assert.equal(next.body.message.userId, sent.body.message.userId, 'one chat user per account and bot')
      await live.waitFor((e) => e.event === 'message' && e.data.message.payload.text === 'echo: again', 15_000)
      live.close()
    })

    it('other message types go through as such', async () => {
      const trace = (what: string) => process.env.BPKIT_TEST_TRACE && console.error(`chat test: ${what} ${new Date().toISOString()}`)
      trace('start')
      const sent = await chat('messages', { type: 'choice', payload: { text: 'Pick', options: [{ label: 'A', value: 'a' }] } })
      assert.equal(sent.status, 200, JSON.stringify(sent.body))
      assert.equal(sent.body.message.type, 'choice')
      trace('sent')
      await until(async () => {
        trace('listing')
        const { messages } = await clientFor(server(), { botId }).listMessages({ conversationId: sent.body.conversationId })
        trace(`listed ${JSON.stringify(messages.map((m) => m.payload))}`)
        assert.ok(messages.some((m) => m.payload.text === 'echo: [choice]'))
      }, 15_000)
    })

    it('bad input answers 400 naming the field; a conversation must be one of bpkit-chat', async () => {
      assertBotpressError(await chat('messages', { payload: { text: 'x' } }), 400, 'InvalidPayload', /"type"/)
      assertBotpressError(await chat('messages', { type: 'video', payload: {} }), 400, 'InvalidPayload', /"type"/)
      assertBotpressError(await chat('messages', { type: 'text' }), 400, 'InvalidPayload', /"payload"/)
      assertBotpressError(await chat('messages', { type: 'text', payload: 'hi' }), 400, 'InvalidPayload', /"payload"/)
      assertBotpressError(await chat('messages', { type: 'text', payload: {}, conversationId: 7 }), 400, 'InvalidPayload', /"conversationId"/)
      assertBotpressError(await chat('messages', { type: 'text', payload: { text: 'x' }, conversationId: 'conv_nope' }), 404, 'ResourceNotFound')
      const asBot = clientFor(server(), { botId })
      const { conversation } = await asBot.createConversation({ channel: 'other', tags: {} })
      assertBotpressError(await chat('messages', { type: 'text', payload: { text: 'x' }, conversationId: conversation.id }), 400, 'InvalidPayload', /"conversationId"/)
      assertBotpressError(await chat('messages', { type: 'text', payload: { text: 'x' } }, { csrf: false }), 403, 'Forbidden')
    })

    it("a viewer may not chat, a stranger does not find the bot, the runtime's calls are answered", async () => {
      const viewer = await addMember(server(), server().workspaceId, 'viewer')
      assertBotpressError(await chat('messages', { type: 'text', payload: { text: 'x' } }, { as: await signIn(server(), viewer.token) }), 403, 'Forbidden')
      const other = await createOtherAccount(server())
      assertBotpressError(await chat('messages', { type: 'text', payload: { text: 'x' } }, { as: await signIn(server(), other.token) }), 404, 'ResourceNotFound')
      assertBotpressError(await chat('install', undefined, { as: await signIn(server(), other.token) }), 404, 'ResourceNotFound')
      for (const operation of ['ping', 'register', 'unregister', 'message_created']) {
        const answer = await fetch(`${server().url}/_bpkit/chat/integration`, { method: 'POST', headers: { 'x-bp-operation': operation, 'content-type': 'application/json' }, body: '{}' })
        assert.equal(answer.status, 200, operation)
      }
      const unknown = await fetch(`${server().url}/_bpkit/chat/integration`, { method: 'POST', headers: { 'x-bp-operation': 'nope', 'content-type': 'application/json' }, body: '{}' })
      assert.equal(unknown.status, 400)
    })
  },
  { deliveryPollMs: 50, deliveryBackoffMs: 50, deliveryAttempts: 2, runtimeTimeoutMs: 5_000 },
)
