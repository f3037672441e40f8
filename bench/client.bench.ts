/**
 * @bpkit/client against raw fetch and the official @botpress/client@1.45.0, in one run:
 *   - time per getConversation, sequential and at concurrency 32, as a ratio to raw fetch, against a loopback
 *     server in its own process that answers with a fixed JSON body;
 *   - the client bundled with all operations, minified and gzipped (esbuild), next to the official one;
 *   - cold import time in a fresh node process.
 * Prints a Markdown section and writes it into BENCHMARKS.md under `## Client`.
 */
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { Client as BpkitClient } from '@bpkit/client'
import { Client as OfficialClient } from '@botpress/client'

const root = join(import.meta.dirname, '..')
const body = JSON.stringify({
  conversation: { id: 'conv_01J0000000000000000000000', channel: 'channel', integration: 'telegram', tags: { a: 'b' }, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', messageCount: 3 },
})

// The server lives in another process so that its work does not share the event loop being measured.
const serverSource = `
  const body = ${JSON.stringify(body)}
  const server = require('node:http').createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body))
  })
  server.keepAliveTimeout = 60000
  server.listen(0, '127.0.0.1', () => console.log(server.address().port))
`

async function startServer() {
  const child = spawn(process.execPath, ['-e', serverSource], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))))
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() }
}

type Call = () => Promise<unknown>

async function timePerCall(call: Call, calls: number, concurrency: number): Promise<number> {
  const perWorker = Math.ceil(calls / concurrency)
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < perWorker; i++) await call()
  }))
  return ((performance.now() - start) * 1000) / (perWorker * concurrency)
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Rounds alternate between the contenders, in a rotating order, so that drift (CPU frequency, GC) hits them alike; medians are kept. */
async function race(contenders: Record<string, Call>, concurrency: number, rounds = 7, calls = 1500) {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]))
  for (const call of Object.values(contenders)) await timePerCall(call, 300, concurrency)
  const entries = Object.entries(contenders)
  for (let r = 0; r < rounds; r++) {
    for (const [name, call] of [...entries.slice(r % entries.length), ...entries.slice(0, r % entries.length)]) {
      globalThis.gc?.()
      samples[name].push(await timePerCall(call, calls, concurrency))
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}

async function gzippedBundle(entry: string, external: string[] = [], only?: string[]): Promise<number> {
  const input = only
    ? { stdin: { contents: `export { ${only.join(', ')} } from ${JSON.stringify(entry)}`, resolveDir: root, loader: 'js' as const } }
    : { entryPoints: [entry] }
  const result = await build({ ...input, bundle: true, minify: true, format: 'esm', platform: 'node', write: false, external, logLevel: 'silent' })
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length
}

/** Median and fastest of `runs` fresh processes, alternating between the specifiers. */
function coldImports(specifiers: string[], runs = 11): { median: number; min: number }[] {
  const times: number[][] = specifiers.map(() => [])
  for (let r = 0; r < runs; r++) {
    specifiers.forEach((specifier, i) => {
      const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t)`
      times[i].push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim()))
    })
  }
  return times.map((t) => ({ median: median(t), min: Math.min(...t) }))
}

const server = await startServer()
const token = 'bench-token'
const url = `${server.url}/v1/chat/conversations/conv_1`
const headers = { authorization: `Bearer ${token}`, 'x-bot-id': 'bot_1' }
const bpkit = new BpkitClient({ apiUrl: server.url, token, botId: 'bot_1' })
const official = new OfficialClient({ apiUrl: server.url, token, botId: 'bot_1' })
const contenders: Record<string, Call> = {
  'raw fetch': async () => (await fetch(url, { headers })).json(),
  '@bpkit/client': () => bpkit.getConversation({ id: 'conv_1' }),
  '@botpress/client 1.45.0': () => official.getConversation({ id: 'conv_1' }),
}
const sequential = await race(contenders, 1)
const concurrent = await race(contenders, 32)
server.stop()

const officialEntry = join(root, 'node_modules/@botpress/client/dist/index.mjs')
// The names the official package exports (axios aside): the drop-in surface, all operations included.
const officialNames = Object.keys(await import('@botpress/client')).filter((name) => !['axios', 'axiosRetry', 'default'].includes(name))
const bpkitEntry = join(root, 'packages/client/dist/index.js')
const size = {
  bpkit: await gzippedBundle(bpkitEntry),
  bpkitTyped: await gzippedBundle(join(root, 'packages/client/dist/typed.js')),
  bpkitDropIn: await gzippedBundle(bpkitEntry, [], officialNames),
  officialWithoutAxios: await gzippedBundle(officialEntry, ['axios', 'axios-retry', 'qs', 'browser-or-node']),
  officialWithAxios: await gzippedBundle(officialEntry),
}
const [bpkitImport, officialImport] = coldImports(['@bpkit/client', '@botpress/client'])

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const us = (v: number) => `${v.toFixed(0)} µs`
const ratio = (v: number, base: number) => (v / base).toFixed(2)
const ms = (t: { median: number; min: number }) => `${t.median.toFixed(1)} ms (${t.min.toFixed(1)} ms)`
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown cpu'
const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim()
const base = { seq: sequential['raw fetch'], conc: concurrent['raw fetch'] }

const section = [
  `## Client`,
  ``,
  `${new Date().toISOString().slice(0, 10)}, ${nproc} × ${cpu}, node ${process.version}. \`npm run bench -- client\` (bench/client.bench.ts).`,
  `Loopback server in its own process answering \`getConversation\` with a fixed JSON body; medians of 7 alternating rounds of 1 500 calls (on a machine shared with other test runs, the ratios move by about ±0.1 from run to run).`,
  ``,
  `| | sequential, per call | ratio to fetch | concurrency 32, per call | ratio to fetch |`,
  `|---|---:|---:|---:|---:|`,
  ...Object.keys(contenders).map((name) => `| ${name} | ${us(sequential[name])} | ${ratio(sequential[name], base.seq)} | ${us(concurrent[name])} | ${ratio(concurrent[name], base.conc)} |`),
  ``,
  `| | @bpkit/client | @botpress/client 1.45.0 |`,
  `|---|---:|---:|`,
  `| bundle with all operations, minified + gzipped (esbuild): the drop-in surface (the names the official package exports) | ${kb(size.bpkitDropIn)} | ${kb(size.officialWithoutAxios)} without axios, ${kb(size.officialWithAxios)} with it |`,
  `| the same, whole \`@bpkit/client\` ESM entry | ${kb(size.bpkit)} | |`,
  `| \`@bpkit/client/typed\` (BotSpecificClient, IntegrationSpecificClient), bundled on its own | ${kb(size.bpkitTyped)} | |`,
  `| cold import in a fresh node process, median (fastest) of 11 | ${ms(bpkitImport)} | ${ms(officialImport)} |`,
  ``,
].join('\n')
console.log(section)

// Only the `## Client` section of BENCHMARKS.md is ours; the others are kept as they are.
const file = join(root, 'BENCHMARKS.md')
const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures recorded by `npm run bench`; each section names its date and machine.\n'
const pattern = /^## Client\n[\s\S]*?(?=^## |(?![\s\S]))/m
const updated = pattern.test(existing) ? existing.replace(pattern, `${section}\n`) : `${existing.trimEnd()}\n\n${section}`
writeFileSync(file, updated.trimEnd() + '\n')
