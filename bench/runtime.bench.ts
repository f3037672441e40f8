/**
 * The runtime's echo round trip, in one run, each side in its own process:
 *   - through bpkit: a webhook POST to the integration's webhook URL → the integration's `createMessage` → the bot's
 *     `message_created` → the bot's `createMessage` → the integration's `message_created`, which tells the
 *     orchestrator's collector; `bpkit serve` on SQLite (logs at warn) and the two handlers (plain node:http
 *     speaking the runtime protocol, keep-alive) in their own processes;
 *   - the floor: the same handlers' four hops made directly, without bpkit (orchestrator → integration →
 *     bot → integration → collector);
 *   - the bot as deployed code (run by bpkit in its own process), its cold start, and the bot behind a `bp dev`
 *     tunnel connected to bpkit.
 * Sequential (one conversation, one round trip at a time) and 32 conversations at once: p50, p99 and round
 * trips per second for each.
 *
 *   npm run bench -- runtime
 */
import type { ChildProcess } from 'node:child_process'
import { startChild, stop } from './children.js'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { randomUUID } from 'node:crypto'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'

const SELF = fileURLToPath(import.meta.url)
const CLI = fileURLToPath(new URL('../packages/cli/dist/index.js', import.meta.url))
// BENCH_QUICK=1 makes a short run, to check the benchmark itself.
const QUICK = process.env.BENCH_QUICK === '1'
const WARMUP = QUICK ? 20 : 200
const SEQUENTIAL = QUICK ? 50 : 1_000
const CONCURRENT_CONVERSATIONS = 32
const CONCURRENT_SECONDS = QUICK ? 1 : 5
const COLD_STARTS = QUICK ? 2 : 5

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })

/** One POST of JSON on the keep-alive agent; resolves with the status and the answer's text. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const target = new URL(url)
  const data = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.end(data)
  })
}

/** Every server this process listens on, closed when the orchestrator is done (the handlers' role keeps its own). */
const listening = new Set<http.Server>()

function listen(handle: (path: string, headers: http.IncomingHttpHeaders, body: any) => Promise<unknown>): Promise<string> {
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', async () => {
      try {
        const answer = await handle(req.url ?? '/', req.headers, raw ? JSON.parse(raw) : {})
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {}))
      } catch (error) {
        res.writeHead(500).end(String(error))
      }
    })
  })
  server.keepAliveTimeout = 60_000
  listening.add(server)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

// ---------------------------------------------------------------- role: the handlers (integration and bot)

type HandlersConfig = { apiUrl: string; botKey: string; integrationKey: string; botId: string; integrationId: string; collectorUrl: string; tunnelId: string }

/**
 * The same bot as deployed code: a bundle exporting `default.start(port)`, as `bp build` makes, run by bpkit in a
 * process of its own with its own BP_API_URL, BP_TOKEN and BP_BOT_ID. `marker` makes each version new code.
 */
const deployedBot = (marker: string) => `// ${marker}
const http = require('node:http')
const agent = new http.Agent({ keepAlive: true })
module.exports.default = { start(port) {
  http.createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      if (req.headers['x-bp-operation'] !== 'event_received' || req.headers['x-bp-type'] !== 'message_created') return res.end('{}')
      const { message } = JSON.parse(raw).event.payload
      const data = JSON.stringify({ conversationId: message.conversationId, userId: process.env.BP_BOT_ID, type: 'text', payload: message.payload, tags: {} })
      const api = new URL(process.env.BP_API_URL + '/v1/chat/messages')
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), authorization: 'Bearer ' + process.env.BP_TOKEN, 'x-bot-id': process.env.BP_BOT_ID }
      http.request({ agent, host: api.hostname, port: api.port, path: api.pathname, method: 'POST', headers }, (answer) => {
        answer.resume()
        answer.on('end', () => res.end('{}'))
      }).end(data)
    })
  }).listen(port)
} }
`

/** The CLI's side of a `bp dev` tunnel: each request frame is forwarded to the bot and its answer sent back. */
async function openTunnel(apiUrl: string, tunnelId: string, botUrl: string) {
  const { default: WebSocket } = await import('ws')
  const socket = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}/${tunnelId}`)
  socket.on('message', async (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id: string; path: string; headers: Record<string, string>; body?: string }
    if (frame.type !== 'request') return
    const headers = Object.fromEntries(Object.entries(frame.headers).filter(([name]) => name.startsWith('x-') || name === 'content-type'))
    const answer = await post(`${botUrl}${frame.path}`, JSON.parse(frame.body || '{}'), headers)
    socket.send(JSON.stringify({ type: 'response', requestId: frame.id, status: answer.status, headers: { 'content-type': 'application/json' }, body: answer.text }))
  })
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
}

async function runHandlers(config: HandlersConfig) {
  const asIntegration = { authorization: `Bearer ${config.integrationKey}`, 'x-bot-id': config.botId, 'x-integration-id': config.integrationId }
  const asBot = { authorization: `Bearer ${config.botKey}`, 'x-bot-id': config.botId }
  // Through bpkit: the integration relays webhooks as incoming messages and tells the collector of outgoing ones.
  const integrationUrl = await listen(async (_path, headers, body) => {
    const operation = headers['x-bp-operation']
    if (operation === 'webhook_received') {
      const { conversationId, userId, n } = JSON.parse(body.req.body)
      const created = await post(`${config.apiUrl}/v1/chat/messages`, { conversationId, userId, type: 'text', payload: { text: String(n) }, tags: {} }, asIntegration)
      if (created.status !== 201 && created.status !== 200) throw new Error(`createMessage answered ${created.status}: ${created.text}`)
      return { status: 200 }
    }
    if (operation === 'message_created') await post(config.collectorUrl, { n: Number(body.payload.text) })
    return {}
  })
  const botUrl = await listen(async (_path, headers, body) => {
    if (headers['x-bp-operation'] !== 'event_received' || headers['x-bp-type'] !== 'message_created') return {}
    const { message } = body.event.payload
    await post(`${config.apiUrl}/v1/chat/messages`, { conversationId: message.conversationId, userId: config.botId, type: 'text', payload: message.payload, tags: {} }, asBot)
    return {}
  })
  await openTunnel(config.apiUrl, config.tunnelId, botUrl)
  // The floor: the same hops, made directly.
  let floorBotUrl = ''
  const floorIntegrationUrl = await listen(async (path, _headers, body) => {
    if (path === '/webhook') await post(floorBotUrl, body)
    else await post(config.collectorUrl, body)
    return {}
  })
  floorBotUrl = await listen(async (_path, _headers, body) => {
    await post(`${floorIntegrationUrl}/reply`, body)
    return {}
  })
  process.stdout.write(`handlers ${JSON.stringify({ integrationUrl, botUrl, floorWebhookUrl: `${floorIntegrationUrl}/webhook` })}\n`)
}

// ---------------------------------------------------------------- orchestration



const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!

type Measured = { p50: number; p99: number; perSecond: number; count: number; serverCpuMs?: number }

/** CPU time (user + system) a process has used so far, in ms, from /proc: steadier than rates on a shared machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** Reads the server's CPU time at the start of the measured window, and gives it per round trip at the end. */
function serverCpu(pid?: number) {
  const before = pid === undefined ? 0 : cpuMs(pid)
  return (count: number) => (pid === undefined ? undefined : (cpuMs(pid) - before) / count)
}

/** Round trips of `send(conversation, n)`, each finished when the collector hears of `n`. */
function roundTrips(waiting: Map<number, () => void>) {
  let next = 0
  return (send: (n: number) => Promise<void>) => {
    const n = next++
    const started = performance.now()
    return new Promise<number>((resolve, reject) => {
      waiting.set(n, () => resolve(performance.now() - started))
      send(n).catch(reject)
    })
  }
}

/** `serverPid`: the process whose CPU time per round trip is reported. */
async function sequential(trip: () => Promise<number>, serverPid?: number): Promise<Measured> {
  for (let i = 0; i < WARMUP; i++) await trip()
  const times: number[] = []
  const cpu = serverCpu(serverPid)
  const started = performance.now()
  for (let i = 0; i < SEQUENTIAL; i++) times.push(await trip())
  const seconds = (performance.now() - started) / 1000
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSecond: times.length / seconds, count: times.length, serverCpuMs: cpu(times.length) }
}

async function concurrent(trip: (lane: number) => Promise<number>, serverPid?: number): Promise<Measured> {
  const times: number[] = []
  const lane = async (i: number, until: number, record: boolean) => {
    while (performance.now() < until) {
      const t = await trip(i)
      if (record) times.push(t)
    }
  }
  const warm = performance.now() + 1_000
  await Promise.all(Array.from({ length: CONCURRENT_CONVERSATIONS }, (_, i) => lane(i, warm, false)))
  const cpu = serverCpu(serverPid)
  const started = performance.now()
  const until = started + CONCURRENT_SECONDS * 1_000
  await Promise.all(Array.from({ length: CONCURRENT_CONVERSATIONS }, (_, i) => lane(i, until, true)))
  const seconds = (performance.now() - started) / 1000
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSecond: times.length / seconds, count: times.length, serverCpuMs: cpu(times.length) }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-bench-runtime-'))
  const children: ChildProcess[] = []
  const waiting = new Map<number, () => void>()
  try {
    const collectorUrl = await listen(async (_path, _headers, body) => {
      const done = waiting.get(body.n)
      waiting.delete(body.n)
      done?.()
    })
    const served = await startChild([...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], /bpkit listening on (\S+)/)
    children.push(served.child)
    const apiUrl = served.match[1]!
    const { readCredentials } = await import('@bpkit/server')
    const { Client } = await import('@bpkit/client')
    const { token, workspaceId } = readCredentials(dataDir)!
    const tunnelId = randomUUID()
    const admin = new Client({ apiUrl, token, workspaceId })
    const { integration } = await admin.createIntegration({ name: 'bench-chat', version: '0.1.0', dev: true, url: 'http://127.0.0.1:9', channels: { channel: { messages: { text: { schema: {} } } } } } as never)
    const { bot } = await admin.createBot({ dev: true })
    const botKey = (await admin.createBotApiKey({ botId: bot.id, note: 'bench' })).value
    const integrationKey = (await admin.createIntegrationApiKey({ integrationId: integration.id })).value
    const handlers = await startChild(
      ['--import', 'tsx', SELF, '--handlers', JSON.stringify({ apiUrl, botKey, integrationKey, botId: bot.id, integrationId: integration.id, collectorUrl, tunnelId } satisfies HandlersConfig)],
      /handlers (\{.*\})/,
    )
    children.push(handlers.child)
    const urls = JSON.parse(handlers.match[1]!) as { integrationUrl: string; botUrl: string; floorWebhookUrl: string }
    await admin.updateIntegration({ id: integration.id, url: urls.integrationUrl } as never)
    const { bot: installed } = await admin.updateBot({ id: bot.id, url: urls.botUrl, integrations: { chat: { integrationId: integration.id, enabled: true, configuration: {} } } } as never)
    const webhookUrl = installed.integrations.chat!.webhookUrl

    // One user and 32 conversations of the integration, made up front.
    const asIntegration = new Client({ apiUrl, token: integrationKey, botId: bot.id, integrationId: integration.id })
    const { user } = await asIntegration.getOrCreateUser({ tags: { id: 'bench' } })
    const conversations: string[] = []
    for (let i = 0; i < CONCURRENT_CONVERSATIONS; i++) conversations.push((await asIntegration.getOrCreateConversation({ channel: 'channel', tags: { id: `c${i}` } })).conversation.id)

    const trip = roundTrips(waiting)
    const throughBpkit = (lane: number) => trip((n) => post(webhookUrl, { conversationId: conversations[lane], userId: user.id, n }).then(() => undefined))
    const direct = (lane: number) => trip((n) => post(urls.floorWebhookUrl, { lane, n }).then(() => undefined))

    const rows: [string, Measured][] = []
    rows.push(['floor: the four hops direct, sequential', await sequential(() => direct(0))])
    const serverPid = served.child.pid!
    rows.push(['through bpkit, sequential', await sequential(() => throughBpkit(0), serverPid)])
    rows.push([`floor, ${CONCURRENT_CONVERSATIONS} conversations at once`, await concurrent(direct)])
    rows.push([`through bpkit, ${CONCURRENT_CONVERSATIONS} conversations at once`, await concurrent(throughBpkit, serverPid)])

    // The same bot as deployed code, then its cold start (updateBot with new code → the first reply), then through a tunnel.
    await admin.updateBot({ id: bot.id, url: null, code: deployedBot('warm') } as never)
    rows.push(['through bpkit, the bot as deployed code, sequential', await sequential(() => throughBpkit(0), serverPid)])
    const coldStarts: number[] = []
    for (let i = 0; i < COLD_STARTS; i++) {
      const started = performance.now()
      await admin.updateBot({ id: bot.id, code: deployedBot(`cold ${i}`) } as never)
      await throughBpkit(0)
      coldStarts.push(performance.now() - started)
    }
    coldStarts.sort((a, b) => a - b)
    await admin.updateBot({ id: bot.id, url: `${apiUrl}/${tunnelId}` } as never)
    rows.push(['through bpkit, the bot behind a bp dev tunnel, sequential', await sequential(() => throughBpkit(0), serverPid)])

    const cpu = cpus()
    console.log('## Runtime: echo round trip\n')
    console.log(`${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, node ${process.version}. \`npm run bench -- runtime\` (bench/runtime.bench.ts).`)
    console.log(
      `\`bpkit serve\` on SQLite (log level warn); integration and bot handlers (node:http, keep-alive) in one process, the load generator and collector in a third. ` +
        `Sequential: ${WARMUP} warm-up then ${SEQUENTIAL} round trips in one conversation. Concurrent: ${CONCURRENT_CONVERSATIONS} conversations each sending its next round trip when the last came back, 1 s warm-up then ${CONCURRENT_SECONDS} s.\n`,
    )
    console.log('| | p50 | p99 | round trips/s | count | server CPU per round trip |')
    console.log('|---|---:|---:|---:|---:|---:|')
    for (const [name, m] of rows) {
      const cpu = m.serverCpuMs === undefined ? '' : `${m.serverCpuMs.toFixed(2)} ms`
      console.log(`| ${name} | ${m.p50.toFixed(2)} ms | ${m.p99.toFixed(2)} ms | ${Math.round(m.perSecond).toLocaleString('en')} | ${m.count} | ${cpu} |`)
    }
    console.log(`\nCold start of deployed code (updateBot with new code → the first echo back): median ${percentile(coldStarts, 50).toFixed(0)} ms of ${COLD_STARTS} (fastest ${coldStarts[0]!.toFixed(0)} ms, slowest ${coldStarts.at(-1)!.toFixed(0)} ms).`)
    const [floorSeq, bpkitSeq, floorConc, bpkitConc] = rows.map(([, m]) => m)
    console.log(`\nTime ratio bpkit / floor: sequential p50 ${(bpkitSeq!.p50 / floorSeq!.p50).toFixed(2)}×; concurrent p50 ${(bpkitConc!.p50 / floorConc!.p50).toFixed(2)}×, throughput ${(floorConc!.perSecond / bpkitConc!.perSecond).toFixed(2)}×.`)
  } finally {
    for (const child of children) await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
    agent.destroy()
    // The collector's kept-alive sockets would keep the process alive after it printed.
    for (const server of listening) server.close().closeAllConnections()
  }
}

const role = process.argv[2]
if (role === '--handlers') await runHandlers(JSON.parse(process.argv[3]!) as HandlersConfig)
else await main()
