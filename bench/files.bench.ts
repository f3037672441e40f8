/**
 * Files in @bpkit/server, in one run, each side in its own process:
 *   - upload and download throughput of 1 MB and 50 MB files against `bpkit serve` (a child process, SQLite,
 *     logs at warn), as a ratio to the same bytes PUT to and GET from a bare node:http server (another child)
 *     that streams them to and from a file in the same way (temporary file, fsync, rename);
 *   - the bpkit server's peak RSS (VmHWM) before and after the 50 MB uploads: the body streams to disk, so
 *     it must grow well under the file's size;
 *   - searchFiles p50 and p99 over 10 000 indexed passages, on SQLite and (when reachable) PostgreSQL.
 * An upload through bpkit is what a client does: upsertFile, then the PUT of the bytes to its uploadUrl.
 *
 *   npm run bench -- files
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { withPostgresDatabase } from './postgres.js'

const SELF = fileURLToPath(import.meta.url)
const CLI = fileURLToPath(new URL('../packages/cli/dist/index.js', import.meta.url))
const MB = 1_000_000
const SIZES = [
  { label: '1 MB', bytes: 1 * MB, rounds: 40 },
  { label: '50 MB', bytes: 50 * MB, rounds: 7 },
]
const FILES = 10
const PARAGRAPHS_PER_FILE = 1_000
const QUERIES = 400

// ---------------------------------------------------------------- role: the bare server

/** The baseline: PUT streams the body to a temporary file, fsyncs and renames it; GET streams it back. */
function runBareServer(dir: string) {
  const server = http.createServer(async (req, res) => {
    const path = join(dir, 'blob')
    if (req.method === 'PUT') {
      const tmp = join(dir, `${randomBytes(6).toString('hex')}.part`)
      await pipeline(req, createWriteStream(tmp, { flush: true }))
      renameSync(tmp, path)
      res.writeHead(200).end()
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(path).size })
      await pipeline(createReadStream(path), res)
    }
  })
  server.listen(0, '127.0.0.1', () => process.stdout.write(`bare listening on http://127.0.0.1:${(server.address() as { port: number }).port}\n`))
}

// ---------------------------------------------------------------- helpers

type Child = { process: ChildProcess; url: string; output: string }

function startChild(args: string[], ready: RegExp): Promise<Child> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${output}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = ready.exec(output)
      if (match) resolve({ process: child, url: match[1]!, output })
    })
  })
}

const stop = (child: Child) =>
  new Promise<void>((resolve) => {
    child.process.removeAllListeners('exit')
    child.process.once('exit', () => resolve())
    child.process.kill('SIGTERM')
  })

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

async function drain(response: Response): Promise<number> {
  if (!response.ok) throw new Error(`GET ${response.url}: ${response.status}`)
  let n = 0
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) n += chunk.byteLength
  return n
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

/** A bpkit server's API, as its first account (credentials printed by `bpkit serve`). */
function apiOf(child: Child) {
  const env = (name: string) => new RegExp(`export ${name}=(\\S+)`).exec(child.output)![1]!
  const headers = { authorization: `Bearer ${env('BP_TOKEN')}`, 'x-bot-id': env('BP_BOT_ID') }
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(child.url + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await response.json()) as any
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
    return json
  }
}

// ---------------------------------------------------------------- throughput and memory

async function transfers(bare: Child, served: Child) {
  const api = apiOf(served)
  const rows: string[] = []
  const rss: string[] = []
  let n = 0
  for (const size of SIZES) {
    const bytes = randomBytes(size.bytes)
    const put = async (url: string) => {
      const response = await fetch(url, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } })
      if (!response.ok) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`)
    }
    const times = { bareUp: [] as number[], bareDown: [] as number[], bpkitUp: [] as number[], bpkitDown: [] as number[] }
    const rssBefore = peakRssMb(served.process.pid!)
    for (let round = 0; round < size.rounds; round++) {
      times.bareUp.push((await timed(() => put(`${bare.url}/blob`))).ms)
      times.bareDown.push((await timed(async () => drain(await fetch(`${bare.url}/blob`)))).ms)
      const upload = await timed(async () => {
        const { file } = await api('PUT', '/v1/files', { key: `bench/${n++}.bin`, size: size.bytes, contentType: 'application/octet-stream' })
        await put(file.uploadUrl)
        return file
      })
      times.bpkitUp.push(upload.ms)
      times.bpkitDown.push((await timed(async () => drain(await fetch(upload.value.url)))).ms)
      await api('DELETE', `/v1/files/${upload.value.id}`)
    }
    const mbps = (ms: number) => size.bytes / MB / (ms / 1000)
    for (const [what, bareMs, bpkitMs] of [
      ['upload', median(times.bareUp), median(times.bpkitUp)],
      ['download', median(times.bareDown), median(times.bpkitDown)],
    ] as const) {
      rows.push(`| ${what} ${size.label} | ${mbps(bareMs).toFixed(0)} MB/s | ${mbps(bpkitMs).toFixed(0)} MB/s | ${(bpkitMs / bareMs).toFixed(2)} |`)
    }
    rss.push(`| ${size.label} (${size.rounds} uploads and downloads) | ${rssBefore.toFixed(1)} MiB | ${peakRssMb(served.process.pid!).toFixed(1)} MiB |`)
  }
  return { rows, rss }
}

// ---------------------------------------------------------------- search

/** A deterministic Zipf-like corpus: a few words are everywhere, most are rare, like text. */
function corpus() {
  let seed = 42
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'pa', 'den', 'gor', 'lin', 'mar', 'tes', 'qua', 'zi']
  const vocabulary = Array.from({ length: 3_000 }, (_, i) => {
    let w = ''
    for (let n = i + 1, k = 0; n > 0 || k < 2; n = Math.floor(n / 16), k++) w += syllables[n % 16]
    return w
  })
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!
  const paragraph = () => Array.from({ length: 25 }, word).join(' ') + '.'
  return { paragraph, query: () => Array.from({ length: 3 }, word).join(' ') }
}

async function searchLatency(served: Child) {
  const api = apiOf(served)
  const { paragraph, query } = corpus()
  const indexing = await timed(async () => {
    for (let f = 0; f < FILES; f++) {
      const content = Buffer.from(Array.from({ length: PARAGRAPHS_PER_FILE }, paragraph).join('\n\n'))
      const { file } = await api('PUT', '/v1/files', { key: `corpus/${f}.txt`, size: content.length, index: true })
      const response = await fetch(file.uploadUrl, { method: 'PUT', body: content, headers: { 'content-type': 'text/plain' } })
      if (!response.ok) throw new Error(`upload: ${response.status}`)
    }
  })
  let passages = 0
  for (let f = 0; f < FILES; f++) {
    for (let next: string | undefined, first = true; first || next; first = false) {
      const page = await api('GET', `/v1/files/corpus%2F${f}.txt/passages?limit=200${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`)
      passages += page.passages.length
      next = page.meta.nextToken
    }
  }
  for (let i = 0; i < 20; i++) await api('GET', `/v1/files/search?query=${encodeURIComponent(query())}`)
  const latencies: number[] = []
  let hits = 0
  for (let i = 0; i < QUERIES; i++) {
    const { ms, value } = await timed(() => api('GET', `/v1/files/search?query=${encodeURIComponent(query())}&limit=10`))
    latencies.push(ms)
    hits += value.passages.length
  }
  latencies.sort((a, b) => a - b)
  return { passages, indexingMs: indexing.ms, p50: percentile(latencies, 50), p99: percentile(latencies, 99), hits: hits / QUERIES }
}

// ---------------------------------------------------------------- main

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bpkit-bench-files-'))
  const children: Child[] = []
  const serve = async (dataDir: string, database?: string) => {
    const child = await startChild(
      [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...(database ? ['--database', database] : [])],
      /bpkit listening on (\S+)/,
    )
    children.push(child)
    await new Promise((r) => setTimeout(r, 200)) // the credentials line follows the listening one
    return child
  }
  try {
    const bare = await startChild(['--import', 'tsx', SELF, '--bare', join(dir, 'bare')], /bare listening on (\S+)/)
    children.push(bare)
    const served = await serve(join(dir, 'sqlite'))
    const { rows, rss } = await transfers(bare, served)
    const sqlite = await searchLatency(served)
    const postgres = await withPostgresDatabase('bpkit_bench_files', async (url) => {
      const child = await serve(join(dir, 'postgres'), url)
      try {
        return await searchLatency(child)
      } finally {
        await stop(child)
        children.splice(children.indexOf(child), 1)
      }
    })

    console.log(`## Files\n`)
    console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}. \`npm run bench -- files\` (bench/files.bench.ts).`)
    console.log(`Loopback; bpkit serve on SQLite and the bare node:http server each in their own process; medians of alternating rounds.\n`)
    console.log('| | bare node:http | bpkit serve | time ratio bpkit / bare |')
    console.log('|---|---:|---:|---:|')
    for (const row of rows) console.log(row)
    console.log(`\nbpkit server peak RSS (VmHWM) around each size's uploads and downloads:\n`)
    console.log('| | before | after |')
    console.log('|---|---:|---:|')
    for (const row of rss) console.log(row)
    console.log(`\nsearchFiles (limit 10, default contextDepth 1, three-word queries over a Zipf-like vocabulary), ${QUERIES} sequential queries after 20 warm-up ones:\n`)
    console.log('| | passages | indexing (upload + index of 10 files) | p50 | p99 | passages per answer |')
    console.log('|---|---:|---:|---:|---:|---:|')
    for (const [name, r] of [['SQLite (FTS5)', sqlite], ['PostgreSQL (tsvector + GIN)', postgres]] as const) {
      if (r) console.log(`| ${name} | ${r.passages} | ${(r.indexingMs / 1000).toFixed(1)} s | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.hits.toFixed(1)} |`)
      else console.log(`| ${name} | not run: no PostgreSQL at BPKIT_BENCH_POSTGRES_URL | | | | |`)
    }
  } finally {
    for (const child of children) await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
}

const bareAt = process.argv.indexOf('--bare')
if (bareAt >= 0) {
  const { mkdirSync } = await import('node:fs')
  mkdirSync(process.argv[bareAt + 1]!, { recursive: true })
  runBareServer(process.argv[bareAt + 1]!)
} else {
  await main()
}
