/**
 * Soak: mixed traffic at a steady, fixed rate for a long time against `bpkit serve` (a child process, logs at
 * warn), on SQLite and on a fresh PostgreSQL database (BPKIT_BENCH_POSTGRES_URL or BPKIT_TEST_POSTGRES_URL), side by
 * side. 30 minutes, of which the first 10 are warm-up: the time the server's memory takes to settle (BENCHMARKS.md,
 * "Soak", shows why), leaving 20 measured minutes.
 * The traffic (bench/soak/traffic.ts) cycles chat, files (through the upload and download URLs), tables and
 * runtime deliveries: a real `@botpress/sdk` 5.4.3 chat integration and echo bot (the runtime test fixtures),
 * each its own process on a port, a webhook in and the bot's echo out. A scenario starts every 1/rate s
 * whether or not the last one finished (open loop). Every 30 s: the server's RSS (/proc/<pid>/status VmRSS) and
 * what it is made of (V8's heap, live objects after the last full GC, Buffers, mapped files: the server runs with
 * bench/soak/memory-probe.cjs preloaded), p50 and p99 of the window's requests and of the runtime round trips,
 * requests and errors.
 * After warm-up the verdict (bench/soak/series.ts): RSS within 10%, no growth trend, p99 without drift, 0 errors.
 * Prints Markdown tables; writes the series to <out>/soak.json and the chart to <out>/images/soak.png.
 *
 *   npm run bench -- soak
 *   BENCH_SOAK_MINUTES=2 BENCH_SOAK_WARMUP_MINUTES=0.5 BENCH_SOAK_OUT=/tmp/soak npm run bench -- soak   (a check)
 * BENCH_SOAK_RATE scenarios per second (default 8); BENCH_SOAK_DATABASES=sqlite,postgres; BENCH_SOAK_SAMPLE_SECONDS
 * (default 30); BENCH_SOAK_HEAP=1 takes heap snapshots of the server at the end of warm-up and at the end and
 * prints which constructors grew. `--report <soak.json>` judges a saved run again, prints its tables and redraws its chart.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { Client } from '@bpkit/client'
import { readCredentials } from '@bpkit/server'
import { startChild, stop } from './children.js'
import { svgToPng } from './chromium.js'
import { withPostgresDatabase } from './postgres.js'
import { soakChart, type Run } from './soak/chart.js'
import { heapGrowth, type Growth } from './soak/heap-diff.js'
import { agent } from './http.js'
import { judge, readServer, Windows, type Sample, type Verdict } from './soak/series.js'
import { EchoWaiters, SCENARIOS, Traffic } from './soak/traffic.js'
import { botDefinition, integrationDefinition, startFixture, type RunningFixture } from '../packages/server/test/fixtures/runtime/harness.js'

const CLI = fileURLToPath(new URL('../packages/cli/dist/index.js', import.meta.url))
const PROBE = fileURLToPath(new URL('./soak/memory-probe.cjs', import.meta.url))
const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const MINUTES = number('BENCH_SOAK_MINUTES', 30)
const WARMUP_MINUTES = number('BENCH_SOAK_WARMUP_MINUTES', 10)
const RATE = number('BENCH_SOAK_RATE', 8)
const SAMPLE_SECONDS = number('BENCH_SOAK_SAMPLE_SECONDS', 30)
const DATABASES = (process.env.BENCH_SOAK_DATABASES ?? 'sqlite,postgres').split(',')
const HEAP = process.env.BENCH_SOAK_HEAP === '1'
const OUT = process.env.BENCH_SOAK_OUT ?? fileURLToPath(new URL('../docs', import.meta.url))

type Result = { name: string; samples: Sample[]; verdict: Verdict; errorDetails: string[]; maxInFlight: number; heap?: Growth[] }

/** A server the fixtures report to; the integration's report of an outgoing message ends a runtime round trip. */
function startCollector(echoes: EchoWaiters): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const report = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { fixture?: string; kind?: string; payload?: { text?: string } }
      if (report.fixture === 'sdk5-integration' && report.kind === 'message' && report.payload?.text) echoes.heard(report.payload.text)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.keepAliveTimeout = 60_000
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })),
  )
}

/** Sends SIGUSR2 (the server runs with --heapsnapshot-signal) and waits until the new snapshot's size stops changing. */
async function heapSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  for (let last = -1; ; ) {
    await new Promise((r) => setTimeout(r, 1_000))
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'))
    if (!file) continue
    const size = statSync(join(dir, file)).size
    if (size === last && size > 0) return join(dir, file)
    last = size
  }
}

async function soak(name: string, database?: string): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-bench-soak-'))
  const running: RunningFixture[] = []
  const echoes = new EchoWaiters()
  const collector = await startCollector(echoes)
  const heapFlags = HEAP ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dataDir}`] : []
  const probeFile = join(dataDir, 'memory-probe.json')
  const served = await startChild(
    [...heapFlags, '--require', PROBE, CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...(database ? ['--database', database] : [])],
    /bpkit listening on (\S+)/,
    { BENCH_SOAK_MEMORY_FILE: probeFile },
  )
  try {
    const apiUrl = served.match[1]!
    await new Promise((r) => setTimeout(r, 200)) // the credentials are written as the server starts listening
    const { token, workspaceId } = readCredentials(dataDir)!
    const admin = new Client({ apiUrl, token, workspaceId })

    // The SDK chat integration and echo bot, installed as in the runtime tests.
    const { integration } = await admin.createIntegration((await integrationDefinition('5.4.3', { url: 'http://127.0.0.1:9', name: 'soak-chat' })) as never)
    const integrationKey = (await admin.createIntegrationApiKey({ integrationId: integration.id })).value
    const reports = { FIXTURE_REPORT_URL: collector.url, BP_API_URL: apiUrl }
    const integrationProcess = await startFixture('sdk5-integration', { ...reports, BP_TOKEN: integrationKey, BP_INTEGRATION_ID: integration.id, BP_WEBHOOK_URL: `${apiUrl}/webhooks` })
    running.push(integrationProcess)
    await admin.updateIntegration({ id: integration.id, url: integrationProcess.url } as never)
    const { bot } = await admin.createBot({ dev: true, ...botDefinition } as never)
    const botKey = (await admin.createBotApiKey({ botId: bot.id, note: 'soak' })).value
    const botProcess = await startFixture('sdk5-bot', { ...reports, BP_TOKEN: botKey })
    running.push(botProcess)
    const { bot: installed } = await admin.updateBot({ id: bot.id, url: botProcess.url, integrations: { chat: { integrationId: integration.id, enabled: true, configuration: {} } } } as never)
    const webhookUrl = installed.integrations.chat!.webhookUrl
    const asBot = new Client({ apiUrl, token: botKey, botId: bot.id })
    const table = 'soakTable'
    await asBot.getOrCreateTable({ table, schema: { type: 'object', properties: { name: { type: 'string' }, score: { type: 'number' }, group: { type: 'string' } } } } as never)

    // The traffic: one scenario every 1/RATE s, round robin, sampled every SAMPLE_SECONDS.
    const windows = new Windows()
    const traffic = new Traffic({ apiUrl, botId: bot.id, botKey, webhookUrl, table }, windows, echoes)
    const pid = served.child.pid!
    const reading = () => readServer(pid, probeFile, join(dataDir, 'bpkit.sqlite'))
    const samples: Sample[] = []
    const pending = new Set<Promise<void>>()
    let maxInFlight = 0
    let tick = 0
    let early: string | undefined
    const started = performance.now()
    const end = started + MINUTES * 60_000
    let nextSample = SAMPLE_SECONDS
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now()
        if (now >= end) {
          clearInterval(timer)
          return resolve()
        }
        const run = traffic.run(SCENARIOS[tick++ % SCENARIOS.length]!).finally(() => pending.delete(run))
        pending.add(run)
        maxInFlight = Math.max(maxInFlight, pending.size)
        const elapsed = (now - started) / 1000
        if (elapsed >= nextSample) {
          const sample = windows.sample(Math.round(elapsed), reading())
          samples.push(sample)
          process.stderr.write(`soak ${name} ${(elapsed / 60).toFixed(1)} min: RSS ${sample.rssMiB.toFixed(1)} MiB (heap ${sample.heapTotalMiB.toFixed(1)}, external ${sample.externalMiB.toFixed(1)}), ${sample.requests} requests, ${sample.errors} errors, p99 ${sample.p99.toFixed(1)} ms\n`)
          nextSample += SAMPLE_SECONDS
        }
        if (HEAP && !early && elapsed >= WARMUP_MINUTES * 60) {
          early = 'pending'
          heapSnapshot(pid, dataDir).then((path) => (early = path))
        }
      }, 1_000 / RATE)
    })
    await Promise.all(pending)
    samples.push(windows.sample(Math.round((performance.now() - started) / 1000), reading()))
    let heap: Growth[] | undefined
    if (HEAP && early && early !== 'pending') heap = heapGrowth(early, await heapSnapshot(pid, dataDir))
    return { name, samples, verdict: judge(samples, WARMUP_MINUTES * 60), errorDetails: windows.errorDetails, maxInFlight, heap }
  } finally {
    await Promise.all(running.map((p) => p.stop()))
    await stop(served.child)
    collector.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '–')
const mib = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} MiB` : '–')
const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`

function print(series: Series, heaps: Map<string, Growth[]> = new Map()) {
  const { machine, minutes, warmupMinutes, rate, sampleSeconds } = series
  console.log('## Soak\n')
  console.log(`${machine}. \`npm run bench -- soak\` (bench/soak.bench.ts), ${minutes} min per database, warm-up ${warmupMinutes} min, ${rate} scenarios/s (chat, files, tables, runtime in turn; open loop), sampled every ${sampleSeconds} s.\n`)
  for (const r of series.runs) {
    console.log(`### ${r.name}\n`)
    console.log('| t | RSS | V8 heap committed | live after the last full GC | Buffers | mapped files | rest | major GCs | SQLite file | requests | errors | p50 | p99 | echo round trips | echo p50 | echo p99 |')
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const s of r.samples) {
      console.log(`| ${(s.at / 60).toFixed(1)} min${s.at <= warmupMinutes * 60 ? ' (warm-up)' : ''} | ${s.rssMiB.toFixed(1)} MiB | ${mib(s.heapTotalMiB)} | ${mib(s.liveAfterGcMiB)} | ${mib(s.externalMiB)} | ${mib(s.rssFileMiB)} | ${mib(s.rssMiB - s.heapTotalMiB - s.externalMiB - s.rssFileMiB)} | ${s.majorGcs} | ${mib(s.databaseMiB)} | ${s.requests} | ${s.errors} | ${ms(s.p50)} | ${ms(s.p99)} | ${s.echoes} | ${ms(s.echoP50)} | ${ms(s.echoP99)} |`)
    }
    const v = r.verdict
    console.log(
      `\nAfter warm-up (${v.samples} samples): RSS baseline ${v.baselineMiB.toFixed(1)} MiB, largest rise ${pct(v.maxRisePct)}, largest fall -${v.maxFallPct.toFixed(1)}%, ` +
        `fitted trend ${v.slopeMiBPerMinute.toFixed(2)} MiB/min (${pct(v.fittedGrowthPct)} over the span), last third vs first ${pct(v.lastVsFirstThirdPct)}; live heap after full GCs: fitted trend ${pct(v.liveFittedGrowthPct)}; ` +
        `p99 drift ×${v.p99Drift.toFixed(2)} (echo ×${v.echoP99Drift.toFixed(2)}); errors ${v.errors}; most scenarios in flight ${r.maxInFlight}. ` +
        `Targets: RSS ${v.rssMet ? 'met' : 'NOT met'}, p99 ${v.p99Met ? 'met' : 'NOT met'}, errors ${v.errors === 0 ? 'met' : 'NOT met'}.\n`,
    )
    if (r.errorDetails.length) console.log(`First errors:\n${r.errorDetails.map((e) => `- ${e}`).join('\n')}\n`)
    const heap = heaps.get(r.name)
    if (heap) {
      console.log('Heap snapshot diff (end of warm-up → end), largest growth by self size:\n')
      console.log('| constructor | count before | count after | self size Δ |')
      console.log('|---|---:|---:|---:|')
      for (const g of heap) console.log(`| \`${g.key}\` | ${g.countBefore} | ${g.countAfter} | ${(g.sizeDelta / 1024).toFixed(0)} KiB |`)
      console.log('')
    }
  }
}

/** Writes the series and renders the chart. */
async function save(series: Series) {
  mkdirSync(join(OUT, 'images'), { recursive: true })
  writeFileSync(join(OUT, 'soak.json'), JSON.stringify(series, null, 1) + '\n')
  await chart(series)
}

type Series = {
  machine: string
  minutes: number
  warmupMinutes: number
  rate: number
  sampleSeconds: number
  runs: (Run & Pick<Result, 'verdict' | 'errorDetails' | 'maxInFlight'>)[]
}

async function chart(series: Series) {
  await svgToPng(soakChart(series.runs, `bpkit soak: ${series.machine}; ${series.rate} scenarios/s`, series.warmupMinutes), join(OUT, 'images', 'soak.png'))
  console.log(`Series: ${join(OUT, 'soak.json')}; chart: ${join(OUT, 'images', 'soak.png')}`)
}

async function main() {
  const cpu = cpus()
  const machine = `${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average at start ${loadavg()[0]!.toFixed(2)}`
  const results: Result[] = []
  try {
    // Side by side, each database its own server and fixtures: half the wall time, and both see the same machine.
    const [sqlite, postgres] = await Promise.all([
      DATABASES.includes('sqlite') ? soak('SQLite') : undefined,
      DATABASES.includes('postgres') ? withPostgresDatabase('bpkit_bench_soak', (url) => soak('PostgreSQL', url)).then((r) => r ?? null) : undefined,
    ])
    if (sqlite) results.push(sqlite)
    if (postgres) results.push(postgres)
    if (postgres === null) console.log('PostgreSQL: not run, no PostgreSQL answers at BPKIT_BENCH_POSTGRES_URL / BPKIT_TEST_POSTGRES_URL.\n')
  } finally {
    agent.destroy()
  }
  const series: Series = {
    machine,
    minutes: MINUTES,
    warmupMinutes: WARMUP_MINUTES,
    rate: RATE,
    sampleSeconds: SAMPLE_SECONDS,
    runs: results.map(({ name, samples, verdict, errorDetails, maxInFlight }) => ({ name, samples, verdict, errorDetails, maxInFlight })),
  }
  print(series, new Map(results.flatMap((r) => (r.heap ? [[r.name, r.heap] as const] : []))))
  await save(series)
}

/** A saved run judged again (by the verdict as the code now has it), printed, and its chart drawn again. */
async function report(path: string) {
  const series = JSON.parse(readFileSync(path, 'utf8')) as Series
  for (const run of series.runs) run.verdict = judge(run.samples, series.warmupMinutes * 60)
  print(series)
  await chart(series)
}

// `--report <soak.json>` prints the tables and draws the chart of a saved run again.
const reportAt = process.argv.indexOf('--report')
if (reportAt >= 0) await report(process.argv[reportAt + 1]!)
else await main()
