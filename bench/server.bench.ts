/**
 * @bpkit/server under load, in one run, each side in its own process:
 *   - the ceiling: a bare Fastify route answering a constant, on this machine;
 *   - `bpkit serve` on SQLite (a child process, logs at warn) with 100 000 stored messages spread over
 *     100 conversations: getMessage, createMessage, and listMessages of one conversation (its first page);
 *   - the load generator is a third process: N keep-alive connections, each sending its next request as soon
 *     as the previous answer is read, for a fixed time after a warm-up; each row alternates with the bare
 *     route over a few rounds so that its ratio compares runs made seconds apart.
 * Prints requests per second, p50 and p99 latency, and the server's peak RSS (VmHWM) for each.
 *
 *   npm run bench -- server
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { startChild, stop } from './children.js'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SELF = fileURLToPath(import.meta.url)
const CLI = fileURLToPath(new URL('../packages/cli/dist/index.js', import.meta.url))
const CONNECTIONS = 16
const WARMUP_MS = 500
const DURATION_MS = 2_500
const ROUNDS = 3
const MESSAGES = 100_000
const CONVERSATIONS = 100

type Target = { method: 'GET' | 'POST'; paths: string[]; body?: string; headers: Record<string, string>; connections?: number }
type LoadResult = { requests: number; errors: number; seconds: number; p50: number; p99: number }

// ---------------------------------------------------------------- roles: bare server, load generator

/** The ceiling: Fastify with no logging, one route answering a constant. */
async function runBareServer() {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  app.get('/', async () => ({ ok: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  process.stdout.write(`bare listening on http://127.0.0.1:${address.port}\n`)
}

/** Sends requests on CONNECTIONS keep-alive sockets for WARMUP_MS + DURATION_MS; latency counted after the warm-up. */
async function runLoad(target: Target & { url: string }) {
  const connections = target.connections ?? CONNECTIONS
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const url = new URL(target.url)
  const latencies: number[] = []
  let errors = 0
  let i = 0
  const send = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, method: target.method, path, headers: { ...target.headers, ...(target.body && { 'content-type': 'application/json' }) } },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', reject)
      req.end(target.body)
    })
  const start = performance.now()
  const measureFrom = start + WARMUP_MS
  const end = measureFrom + DURATION_MS
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (;;) {
        const t0 = performance.now()
        if (t0 >= end) return
        const status = await send(target.paths[i++ % target.paths.length]!).catch(() => 0)
        const t1 = performance.now()
        if (t0 >= measureFrom) {
          if (status >= 200 && status < 300) latencies.push(t1 - t0)
          else errors++
        }
      }
    }),
  )
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  const result: LoadResult = { requests: latencies.length, errors, seconds: DURATION_MS / 1000, p50: at(0.5), p99: at(0.99) }
  process.stdout.write(JSON.stringify(result) + '\n')
}

// ---------------------------------------------------------------- orchestration

function load(target: Target & { url: string }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--load', JSON.stringify(target)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`load generator exited with ${code}`))))
  })
}

/** Peak resident set size of a process, in MiB (Linux). */
const peakRssMiB = (pid: number) => {
  const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return kib ? Number(kib) / 1024 : NaN
}


/** Fills a fresh data folder: the bootstrap account, a bot API key, and MESSAGES messages over CONVERSATIONS conversations. */
async function seed(dataDir: string) {
  const { startServer } = await import('@bpkit/server')
  const { newId } = await import('../packages/server/src/ids.js')
  const { generateToken, hashToken } = await import('../packages/server/src/auth/tokens.js')
  const server = await startServer({ dataDir, port: 0, logLevel: 'silent' })
  const { db } = server.store
  const botId = server.credentials.botId
  const botKey = generateToken('bot')
  const base = Date.parse('2026-01-01T00:00:00.000Z')
  const stamp = (i: number) => new Date(base + i).toISOString()
  await db
    .insertInto('tokens')
    .values({ id: newId('token'), kind: 'bot', hash: hashToken(botKey), accountId: null, workspaceId: server.credentials.workspaceId, botId, integrationId: null, note: 'bench', createdAt: stamp(0) })
    .execute()
  const userId = newId('user')
  await db.insertInto('users').values({ id: userId, botId, name: 'bench', pictureUrl: null, tags: '{}', lookupKey: null, createdAt: stamp(0), updatedAt: stamp(0) }).execute()
  const conversationIds = Array.from({ length: CONVERSATIONS }, () => newId('conversation'))
  await db
    .insertInto('conversations')
    .values(conversationIds.map((id) => ({ id, botId, channel: 'web', integration: '', tags: '{}', currentTaskId: null, currentWorkflowId: null, lookupKey: null, createdAt: stamp(0), updatedAt: stamp(0) })))
    .execute()
  const messageIds: string[] = []
  const BATCH = 500 // SQLite caps bound parameters per statement; 500 rows × 12 columns stays under it
  await server.store.transaction(async (trx) => {
    for (let offset = 0; offset < MESSAGES; offset += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, MESSAGES - offset) }, (_, k) => {
        const i = offset + k
        const id = newId('message')
        if (i % 100 === 0) messageIds.push(id)
        return { id, botId, conversationId: conversationIds[i % CONVERSATIONS]!, userId, type: 'text', payload: JSON.stringify({ text: `message ${i}` }), direction: 'outgoing', origin: null, tags: '{}', lookupKey: null, createdAt: stamp(i), updatedAt: stamp(i) }
      })
      await trx.insertInto('messages').values(rows).execute()
    }
  })
  await server.close()
  return { botId, botKey, pat: server.credentials.token, userId, conversationIds, messageIds }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const rate = (r: LoadResult) => r.requests / r.seconds

type Row = { name: string; rate: number; ratio: number; p50: number; p99: number; errors: number }

/**
 * The machine is shared (2 cores, other work running), so a row is ROUNDS back-to-back pairs: the bare route,
 * then the scenario. The ratio is the median of the pairs' ratios; rate and latencies are the median round's.
 */
async function measure(name: string, bare: Target & { url: string }, target: Target & { url: string }): Promise<Row> {
  const rounds: { bare: LoadResult; run: LoadResult }[] = []
  for (let i = 0; i < ROUNDS; i++) rounds.push({ bare: await load(bare), run: await load(target) })
  const ratios = rounds.map((r) => rate(r.run) / rate(r.bare))
  const middle = rounds[ratios.indexOf(median(ratios))]!.run
  return { name, rate: rate(middle), ratio: median(ratios), p50: middle.p50, p99: middle.p99, errors: rounds.reduce((n, r) => n + r.run.errors, 0) }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-bench-'))
  const children: ChildProcess[] = []
  try {
    const t0 = performance.now()
    const fixture = await seed(dataDir)
    const seedSeconds = (performance.now() - t0) / 1000

    const bareServer = await startChild(['--import', 'tsx', SELF, '--bare'], /bare listening on (\S+)/)
    children.push(bareServer.child)
    const served = await startChild([CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], /bpkit listening on (\S+)/)
    children.push(served.child)
    const bare = { url: bareServer.match[1]!, method: 'GET' as const, paths: ['/'], headers: {} }
    const url = served.match[1]!
    const asBot = { authorization: `Bearer ${fixture.botKey}` }
    const asAccount = { authorization: `Bearer ${fixture.pat}`, 'x-bot-id': fixture.botId }
    const listed = fixture.conversationIds[CONVERSATIONS / 2]!
    const scenarios: [string, Target][] = [
      ['getMessage (bot API key)', { method: 'GET', paths: fixture.messageIds.map((id) => `/v1/chat/messages/${id}`), headers: asBot }],
      ['getMessage (personal token + x-bot-id)', { method: 'GET', paths: fixture.messageIds.map((id) => `/v1/chat/messages/${id}`), headers: asAccount }],
      ['createMessage (bot API key)', { method: 'POST', paths: ['/v1/chat/messages'], headers: asBot, body: JSON.stringify({ conversationId: fixture.conversationIds[0], userId: fixture.userId, type: 'text', payload: { text: 'hello' }, tags: {} }) }],
      ['listMessages, 1 of 100 conversations (bot API key)', { method: 'GET', paths: [`/v1/chat/messages?conversationId=${listed}`], headers: asBot }],
      ['listMessages, same, one connection (no queueing)', { method: 'GET', paths: [`/v1/chat/messages?conversationId=${listed}`], headers: asBot, connections: 1 }],
    ]
    const bareRounds: LoadResult[] = []
    for (let i = 0; i < ROUNDS; i++) bareRounds.push(await load(bare))
    const bareMiddle = bareRounds.find((r) => rate(r) === median(bareRounds.map(rate)))!
    const rows: Row[] = [{ name: 'bare Fastify route (ceiling)', rate: rate(bareMiddle), ratio: 1, p50: bareMiddle.p50, p99: bareMiddle.p99, errors: 0 }]
    for (const [name, target] of scenarios) rows.push(await measure(name, bare, { url, ...target }))
    const bareRss = peakRssMiB(bareServer.child.pid!)
    const serverRss = peakRssMiB(served.child.pid!)

    const cpu = cpus()
    console.log('## Server\n')
    console.log(`${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, node ${process.version}. \`npm run bench -- server\` (bench/server.bench.ts).`)
    console.log(
      `\`bpkit serve\` on SQLite (log level warn) holding ${MESSAGES.toLocaleString('en')} messages in ${CONVERSATIONS} conversations (seeded in ${seedSeconds.toFixed(1)} s); ` +
        `load generator in its own process, ${CONNECTIONS} keep-alive connections unless a row says otherwise. ` +
        `Each row: ${ROUNDS} rounds, each the bare route then the row (${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s measured each); ` +
        `"vs bare" is the median of the rounds' ratios, the other figures are that median round's. Server and load generator share the machine's ${cpu.length} cores.\n`,
    )
    console.log(`A bot API key resolves its bot from the token alone; a personal token with \`x-bot-id\` also checks the bot's workspace membership.\n`)
    console.log('| | req/s | vs bare | p50 | p99 | errors |')
    console.log('|---|---:|---:|---:|---:|---:|')
    for (const r of rows) {
      console.log(`| ${r.name} | ${Math.round(r.rate).toLocaleString('en')} | ${Math.round(r.ratio * 100)}% | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.errors} |`)
    }
    console.log(`\nPeak RSS: bare Fastify ${bareRss.toFixed(0)} MiB; bpkit serve ${serverRss.toFixed(0)} MiB (after all rows).`)
  } finally {
    for (const child of children) await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

// One file, three roles: the orchestrator (no argument), the bare server and the load generator.
const role = process.argv[2]
if (role === '--bare') await runBareServer()
else if (role === '--load') await runLoad(JSON.parse(process.argv[3]!) as Target & { url: string })
else await main()
