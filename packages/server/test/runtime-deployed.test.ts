/**
 * Deployed code runs on the server: a bot's and an integration's `code` (bundles of real @botpress/sdk code,
 * built with esbuild into what `bp build` produces) each run in a supervised process of their own, with only
 * the environment they need; their output becomes log lines; new code replaces the old; a bundle that crashes,
 * hangs, leaks memory or prints garbage never stops the server from answering other bots, and the bot's issue
 * says why.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { Client } from '@bpkit/client'
import { describeEachStore, clientFor } from './support.js'
import { eventually, startHandler, type Handler } from './runtime-support.js'
import { uniqueName } from './integrations-helpers.js'
import { bundle, chatChannels } from './deployed-support.js'

/** A bundle that is no SDK code at all, misbehaving as told (what a user's buggy code may do). */
const misbehaving = (start: string) => `const http = require('node:http');\nmodule.exports.default = { start(port) { ${start} } };`
const badBundles = {
  crashes: misbehaving(`console.error('boom: the bot failed to start'); throw new Error('boom at start')`),
  hangs: misbehaving(`setInterval(() => {}, 1000)`),
  leaks: misbehaving(
    `http.createServer((req, res) => { if (req.url === '/health') return res.end('ok'); const hog = []; for (;;) hog.push(new Array(1e6).fill(req.url)) }).listen(port)`,
  ),
  garbage: misbehaving(
    `console.log('}{ not json at all'); process.stderr.write('\\u0000\\u0001 binary-ish noise\\n'); http.createServer((req, res) => { console.log('garbage line ' + req.url); res.end('{}') }).listen(port)`,
  ),
}

describeEachStore(
  'runtime: deployed code',
  ({ server }) => {
    let botCode: string
    let integrationCode: string
    let botId: string
    let webhookUrl: string
    let asBot: Client
    const handlers: Handler[] = []
    before(async () => {
      ;[botCode, integrationCode] = await Promise.all([bundle('bot.mjs'), bundle('integration.mjs')])
      const admin = clientFor(server())
      const { integration } = await admin.createIntegration({
        name: uniqueName('deployed-chat'),
        version: '0.1.0',
        code: integrationCode,
        secrets: { GREETING: 'hola' },
        channels: chatChannels,
      } as never)
      const { bot } = await admin.createBot({ code: botCode } as never)
      botId = bot.id
      const { bot: installed } = await admin.updateBot({ id: botId, integrations: { chat: { integrationId: integration.id, enabled: true, configuration: {} } } } as never)
      assert.equal(installed.integrations.chat!.status, 'registered', installed.integrations.chat!.statusReason ?? '')
      webhookUrl = installed.integrations.chat!.webhookUrl
      asBot = clientFor(server(), { botId })
    })
    after(async () => {
      for (const h of handlers) await h.close()
    })

    const say = async (text: string, chat = 'c1', url = webhookUrl) => {
      const response = await fetch(url, { method: 'POST', body: JSON.stringify({ user: 'u1', chat, text }) })
      assert.equal(response.status, 200, await response.clone().text())
      return (await response.json()) as { conversationId: string; messageId: string; env: string[]; secret: string }
    }
    const replyTo = (conversationId: string, text: string, client = asBot) =>
      eventually(
        () => client.listMessages({ conversationId }),
        (r) => r.messages.some((m) => m.direction === 'outgoing' && m.payload.text === text && m.tags['chat:acked'] === `seen ${text}`),
        20_000,
      )

    it("a webhook reaches the deployed integration, the deployed bot's echo goes out through it", async () => {
      const answer = await say('hi')
      await replyTo(answer.conversationId, 'echo: hi')
    })

    it('a deployed process gets only what it needs: the API, a key of its own, its workspace, webhook URL and secrets', async () => {
      const { env, secret } = await say('env?')
      assert.equal(secret, 'hola')
      const allowed = ['BP_API_URL', 'BP_INTEGRATION_ID', 'BP_LOG_FORMAT', 'BP_TOKEN', 'BP_WEBHOOK_URL', 'BP_WORKSPACE_ID', 'SECRET_GREETING']
      assert.deepEqual(env.filter((name) => !allowed.includes(name)), [], `leaked: ${env.join(', ')}`)
      assert.ok(env.includes('BP_TOKEN'))
    })

    it("the bot's output becomes its log lines", async () => {
      await say('log me')
      const { logs } = await eventually(
        () => clientFor(server()).getBotLogs({ id: botId, timeStart: new Date(Date.now() - 60_000).toISOString(), timeEnd: new Date(Date.now() + 60_000).toISOString() }),
        (r) => r.logs.some((l) => l.message.includes('deployed bot got log me')),
        20_000,
      )
      assert.equal(logs.find((l) => l.message.includes('deployed bot got log me'))!.level, 'info')
    })

    it('new code replaces the running one', async () => {
      await clientFor(server()).updateBot({ id: botId, code: await bundle('bot.mjs', { ECHO_PREFIX: 'ECHO v2' }) } as never)
      const answer = await say('again')
      await replyTo(answer.conversationId, 'ECHO v2: again')
    })

    it("bundles that crash, hang, leak or print garbage: other bots are answered, and each bot's issue or logs say why", async () => {
      const admin = clientFor(server())
      const healthy = await startHandler()
      handlers.push(healthy)
      const { bot: healthyBot } = await admin.createBot({ dev: true, url: healthy.url } as never)
      const bad: Record<string, string> = {}
      for (const [name, code] of Object.entries(badBundles)) bad[name] = (await admin.createBot({ name, code } as never)).bot.id
      for (const id of Object.values(bad)) await clientFor(server(), { botId: id }).createEvent({ type: 'poke', payload: {} })
      const started = Date.now()
      const { event } = await clientFor(server(), { botId: healthyBot.id }).createEvent({ type: 'poke', payload: {} })
      await healthy.waitFor((r) => r.body?.event?.id === event.id, 5_000)
      assert.ok(Date.now() - started < 5_000)

      const issues = async (id: string) => (await admin.listBotIssues({ id })).issues
      const crashing = await eventually(() => issues(bad.crashes!), (list) => list.some((i) => i.code === 'deployed-code:crashing'), 30_000)
      assert.match(crashing.find((i) => i.code === 'deployed-code:crashing')!.description, /boom/)
      const leaked = await eventually(() => issues(bad.leaks!), (list) => list.some((i) => i.code === 'deployed-code:crashing'), 30_000)
      assert.match(leaked.find((i) => i.code === 'deployed-code:crashing')!.description, /heap|memory|SIGABRT|exit code/i)
      await eventually(() => issues(bad.hangs!), (list) => list.length > 0, 30_000)
      const garbageEvents = await eventually(() => clientFor(server(), { botId: bad.garbage! }).listEvents({ type: 'poke' }), (r) => r.events[0]?.status === 'processed', 20_000)
      assert.equal(garbageEvents.events.length, 1)
      const { logs } = await eventually(
        () => admin.getBotLogs({ id: bad.garbage!, timeStart: new Date(Date.now() - 60_000).toISOString(), timeEnd: new Date(Date.now() + 60_000).toISOString() }),
        (r) => r.logs.some((l) => l.message.includes('not json at all')),
        10_000,
      )
      assert.ok(logs.length > 0)
      assert.equal((await fetch(`${server().url}/healthz`)).status, 200)
    })

    it("an integration whose code keeps crashing: each installing bot's install says so, with an issue; the server carries on; code that answers clears it", async () => {
      const admin = clientFor(server())
      const crashing = await bundle('integration.mjs', { CRASH_ON_SEND: 'chat integration crashed sending' })
      const { integration } = await admin.createIntegration({ name: uniqueName('crashing-chat'), version: '0.1.0', code: crashing, channels: chatChannels } as never)
      const installs = await Promise.all(
        [1, 2].map(async () => {
          const { bot } = await admin.createBot({ code: botCode } as never)
          const { bot: installed } = await admin.updateBot({ id: bot.id, integrations: { chat: { integrationId: integration.id, enabled: true, configuration: {} } } } as never)
          assert.equal(installed.integrations.chat!.status, 'registered', 'its register answers: only sending crashes it')
          return { botId: bot.id, webhookUrl: installed.integrations.chat!.webhookUrl }
        }),
      )
      assert.equal(server().server.runtime.targets.runner.processCount('integration', integration.id), 1, 'two registrations at once started one process')
      const installOf = async (id: string) => (await admin.getBot({ id })).bot.integrations.chat!
      // The bot's echo goes out to the integration, whose process dies on it at every attempt.
      await say('crash please', 'c1', installs[0]!.webhookUrl)
      for (const { botId } of installs) {
        const install = await eventually(() => installOf(botId), (i) => i.status !== 'registered', 30_000)
        assert.equal(install.status, 'registration_failed')
        assert.match(install.statusReason ?? '', /code keeps crashing/)
        assert.match(install.statusReason ?? '', /chat integration crashed sending: (echo: )?crash please/, 'its last error lines')
        const { issues } = await eventually(() => admin.listBotIssues({ id: botId }), (r) => r.issues.some((i) => i.code === 'deployed-code:integration-crashing:chat'), 10_000)
        assert.match(issues.find((i) => i.code === 'deployed-code:integration-crashing:chat')!.description, /crashed sending/)
      }
      // The rest of the server answers: the other integration and bot, and the server's health.
      await replyTo((await say('still here')).conversationId, 'ECHO v2: still here')
      assert.equal((await fetch(`${server().url}/healthz`)).status, 200)

      // New code: its first answer (a webhook) clears the crash on every install, whose status is its own again.
      await admin.updateIntegration({ id: integration.id, code: integrationCode } as never)
      const fixed = await say('fixed now', 'c2', installs[0]!.webhookUrl)
      for (const { botId } of installs) {
        const install = await eventually(() => installOf(botId), (i) => i.status === 'registered', 10_000)
        assert.equal(install.statusReason, null)
      }
      await replyTo(fixed.conversationId, 'echo: fixed now', clientFor(server(), { botId: installs[0]!.botId }))
    })

    it("deleting a bot stops its process", async () => {
      const runner = server().server.runtime.targets.runner
      assert.ok(runner.running().some((r) => r.kind === 'bot' && r.id === botId))
      await clientFor(server()).deleteBot({ id: botId })
      assert.ok(!runner.running().some((r) => r.kind === 'bot' && r.id === botId))
    })
  },
  { runtimeTimeoutMs: 5_000, deliveryBackoffMs: 100, deliveryAttempts: 4, deliveryPollMs: 50, codeMemoryMb: 64, codeStartTimeoutMs: 3_000 },
)
