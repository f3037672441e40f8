/**
 * `bp dev` through bpkit's own tunnel: a WebSocket at `/<tunnelId>` speaking the official CLI's frames, with a
 * real @botpress/sdk echo bot behind it (as `bp dev` runs it on a local port). The dev bot's url is the tunnel's
 * address; the runtime delivers through it; a closed tunnel fails deliveries at once, and they are retried.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, it } from 'node:test'
import WebSocket from 'ws'
import { describeEachStore } from './support.js'
import { eventually, incoming, setupChat, startHandler, type ChatSetup, type Handler } from './runtime-support.js'
import { startFixture, type RunningFixture } from './fixtures/runtime/harness.js'

type Frame = { type: string; id?: string; method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: string }

const headersOf = (response: Response) => {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  return headers
}

/** The CLI's side of the tunnel: forwards each request frame to `target` and answers its response. */
function connectTunnel(serverUrl: string, tunnelId: string, target: () => string): Promise<WebSocket> {
  const socket = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/${tunnelId}`, { headers: { 'user-agent': 'tunnel-client' } })
  socket.on('message', async (data) => {
    const frame = JSON.parse(data.toString()) as Frame
    if (frame.type !== 'request') return
    const headers = Object.fromEntries(Object.entries(frame.headers ?? {}).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)))
    const response = await fetch(`${target()}${frame.path}${frame.query ? `?${frame.query}` : ''}`, { method: frame.method, headers, body: frame.body || undefined })
    socket.send(JSON.stringify({ type: 'response', requestId: frame.id, status: response.status, headers: headersOf(response), body: await response.text() }))
  })
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))

describeEachStore(
  'runtime: the bp dev tunnel',
  ({ server }) => {
    const tunnelId = randomUUID()
    let bot: RunningFixture
    let integration: Handler
    let tunnel: WebSocket
    let chat: ChatSetup
    before(async () => {
      integration = await startHandler()
      chat = await setupChat(server(), { botUrl: `${server().url}/${tunnelId}`, integrationUrl: integration.url })
      bot = await startFixture('sdk5-bot', { BP_API_URL: server().url, BP_TOKEN: server().token })
      tunnel = await connectTunnel(server().url, tunnelId, () => bot.url)
    })
    after(async () => {
      tunnel?.close()
      await bot?.stop()
      await integration?.close()
    })

    it("a message reaches the bot through the tunnel, and the bot's echo reaches the integration", async () => {
      await incoming(chat, 'through the tunnel')
      const echo = await integration.waitFor((r) => r.headers['x-bp-operation'] === 'message_created' && r.body?.payload?.text === 'echo: through the tunnel', 15_000)
      assert.equal(echo.body.user.id, chat.botId)
    })

    it('a second WebSocket with the same tunnel id is closed with 4001; a garbage frame closes a tunnel with 4002', async () => {
      const twin = new WebSocket(`${server().url.replace(/^http/, 'ws')}/${tunnelId}`)
      assert.equal(await closed(twin), 4001)
      const other = await connectTunnel(server().url, randomUUID(), () => bot.url)
      other.send('}{ not a frame')
      assert.equal(await closed(other), 4002)
      assert.equal((await fetch(`${server().url}/healthz`)).status, 200)
    })

    it('a closed tunnel fails deliveries at once (502), retried until bp dev is back', async () => {
      const wasClosed = closed(tunnel)
      tunnel.close()
      await wasClosed
      const direct = await fetch(`${server().url}/${tunnelId}/`, { method: 'POST', body: '{}' })
      assert.equal(direct.status, 502)
      const { event } = await chat.bot.createEvent({ type: 'while-away', payload: {} })
      await eventually(
        () => server().server.store.db.selectFrom('deliveryAttempts').innerJoin('deliveries', 'deliveries.id', 'deliveryAttempts.deliveryId').select('deliveryAttempts.status').where('deliveries.eventId', '=', event.id).execute(),
        (attempts) => attempts.some((a) => a.status === 502),
      )
      tunnel = await connectTunnel(server().url, tunnelId, () => bot.url)
      await eventually(() => chat.bot.getEvent({ id: event.id }), (r) => r.event.status === 'processed', 15_000)
    })
  },
  { runtimeTimeoutMs: 5_000, deliveryBackoffMs: 100, deliveryAttempts: 20, deliveryPollMs: 50 },
)
