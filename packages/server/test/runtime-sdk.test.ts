/**
 * The runtime end to end with real `@botpress/sdk` code, for both SDK generations (5.4.3, and 0.10.10 that the
 * official CLI's templates use): a chat integration and an echo bot run as their own processes on random ports,
 * registered with bpkit as a dev integration and a dev bot. A message in through the integration's webhook URL
 * comes back out as the bot's echo; actions and integration events run through them too.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { Client } from '@bpkit/client'
import { startTestServer, type TestServer } from '@bpkit/server'
import { clientFor, stores } from './support.js'
import { expectApiError } from './admin-support.js'
import { eventually } from './runtime-support.js'
import { uniqueName } from './integrations-helpers.js'
import { botDefinition, integrationDefinition, startCollector, startFixture, type Collector, type RunningFixture, type SdkGeneration } from './fixtures/runtime/harness.js'
import { describe } from 'node:test'

const generations: { generation: SdkGeneration; bot: string; integration: string }[] = [
  { generation: '5.4.3', bot: 'sdk5-bot', integration: 'sdk5-integration' },
  { generation: '0.10.10', bot: 'sdk010-bot', integration: 'sdk010-integration' },
]

for (const store of stores) {
  for (const { generation, bot: botFixture, integration: integrationFixture } of generations) {
    describe(`runtime with @botpress/sdk ${generation} (${store.name})`, () => {
      let server: TestServer
      let collector: Collector
      const running: RunningFixture[] = []
      let botId: string
      let integrationId: string
      let webhookUrl: string
      let admin: Client
      let asBot: Client

      before(async () => {
        server = await startTestServer({ database: store.database, runtimeTimeoutMs: 5_000, deliveryBackoffMs: 50, deliveryPollMs: 50, deliveryAttempts: 2 })
        collector = await startCollector()
        admin = clientFor(server)
        const name = uniqueName('chat')
        const { integration } = await admin.createIntegration((await integrationDefinition(generation, { url: 'http://127.0.0.1:9', name })) as never)
        integrationId = integration.id
        const key = await admin.createIntegrationApiKey({ integrationId })
        const reports = { FIXTURE_REPORT_URL: collector.url, BP_API_URL: server.url }
        const integrationProcess = await startFixture(integrationFixture, { ...reports, BP_TOKEN: key.value, BP_INTEGRATION_ID: integrationId, BP_WEBHOOK_URL: `${server.url}/webhooks` })
        running.push(integrationProcess)
        await admin.updateIntegration({ id: integrationId, url: integrationProcess.url } as never)

        const { bot } = await admin.createBot({ dev: true, ...botDefinition } as never)
        botId = bot.id
        const botKey = await admin.createBotApiKey({ botId, note: 'sdk test' } as never)
        const botProcess = await startFixture(botFixture, { ...reports, BP_TOKEN: (botKey as { value: string }).value })
        running.push(botProcess)
        const { bot: installed } = await admin.updateBot({
          id: botId,
          url: botProcess.url,
          integrations: { chat: { integrationId, enabled: true, configuration: { greeting: 'hello there' } } },
        } as never)
        assert.equal(installed.integrations.chat!.status, 'registered', installed.integrations.chat!.statusReason ?? '')
        webhookUrl = installed.integrations.chat!.webhookUrl
        asBot = new Client({ apiUrl: server.url, token: (botKey as { value: string }).value, botId, retry: false })
      })

      after(async () => {
        await Promise.all(running.map((p) => p.stop()))
        await collector?.close()
        await server?.close()
      })

      const fromFixture = (fixture: string, kind: string, match: (r: any) => boolean = () => true) =>
        collector.waitFor((r: any) => r.fixture === fixture && r.kind === kind && match(r), 15_000) as Promise<any>

      it('the integration got register with its webhook URL', async () => {
        const register = await fromFixture(integrationFixture, 'register')
        assert.equal(register.webhookUrl, webhookUrl)
      })

      it("a webhook POST becomes an incoming message, the bot's echo reaches the integration's channel", async () => {
        const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u1', conversationId: 'c1', text: 'hi' }) })
        assert.equal(response.status, 202, await response.clone().text())
        assert.equal(response.headers.get('x-fixture'), integrationFixture)
        const answer = await response.json()
        assert.equal(answer.greeting, 'hello there')
        const seen = await fromFixture(botFixture, 'message', (r) => r.message.payload?.text === 'hi')
        assert.equal(seen.message.direction, 'incoming')
        assert.equal(seen.conversation.tags['chat:chatId'], 'c1')
        const echoed = await fromFixture(integrationFixture, 'message', (r) => r.payload?.text === 'echo: hi')
        assert.equal(echoed.type, 'text')
        assert.equal(echoed.conversation.tags.chatId, 'c1')
        assert.equal(echoed.user.id, botId)
        const { messages } = await asBot.listMessages({ conversationId: seen.conversation.id })
        assert.deepEqual(messages.map((m) => [m.direction, m.payload.text]).sort(), [['incoming', 'hi'], ['outgoing', 'echo: hi']])
        const { events } = await eventually(() => asBot.listEvents({ type: 'message_created' }), (r) => r.events.some((e) => e.status === 'processed'))
        assert.ok(events.length >= 1)
      })

      it("the integration's actions run through callAction; a handler's error comes back with its message", async () => {
        const sum = await asBot.callAction({ type: 'chat:sum', input: { a: 2, b: 3 } })
        assert.deepEqual(sum.output, { sum: 5 })
        assert.deepEqual((await asBot.callAction({ type: 'chat:echo', input: { text: 'round' } })).output, { text: 'round' })
        await expectApiError(asBot.callAction({ type: 'chat:fail', input: { message: 'told to fail' } }), { code: 400, type: 'Runtime', message: /told to fail/ })
        await expectApiError(asBot.callAction({ type: 'chat:sum', input: { a: 'two', b: 3 } }), { code: 400, type: 'InvalidPayload', message: /input\.a/ })
      })

      it("an integration's event reaches the bot as chat:ping", async () => {
        const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ping: { text: 'yo' } }) })
        assert.equal(response.status, 202)
        const seen = await fromFixture(botFixture, 'event', (r) => r.type === 'chat:ping')
        assert.deepEqual(seen.event.payload, { text: 'yo' })
      })

      it("a bot that throws fails the event with the handler's reason", async () => {
        await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u1', conversationId: 'c-fail', text: 'fail' }) })
        const failed = await eventually(() => asBot.listEvents({ type: 'message_created', status: 'failed' }), (r) => r.events.length > 0, 15_000)
        assert.ok(failed.events[0]!.failureReason, 'the failure has a reason')
      })
    })
  }
}
