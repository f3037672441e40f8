/**
 * Tables at 100 000 rows, on SQLite and on PostgreSQL (when BPKIT_BENCH_POSTGRES_URL or BPKIT_TEST_POSTGRES_URL
 * is set): createTableRows in batches of 1 000 (rows/s), then findTableRows end to end through @bpkit/client
 * (HTTP on loopback) with an equality filter, a range filter, an $or of three clauses, a group by key with
 * sum, and a search, each as p50 / p99. The plan each store chooses is printed, to show where an index is used.
 * Prints a Markdown section; copy it into BENCHMARKS.md under `## Tables`.
 */
import { Client } from '@bpkit/client'
import { startTestServer } from '@bpkit/server'
import { sql, type Kysely } from 'kysely'
import { dialectFor } from '../packages/server/src/tables/dialect.js'
import { findTable } from '../packages/server/src/tables/models.js'
import { findQuery } from '../packages/server/src/tables/query.js'

const ROWS = 100_000
const BATCH = 1_000
const postgresUrl = process.env.BPKIT_BENCH_POSTGRES_URL ?? process.env.BPKIT_TEST_POSTGRES_URL

let seed = 42
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}
const int = (n: number) => Math.floor(rand() * n)
const words = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}x`)

const schema = {
  name: { type: 'string', 'x-zui': { index: 0 } },
  category: { type: 'string', 'x-zui': { index: 1 } },
  amount: { type: 'number', 'x-zui': { index: 2 } },
  active: { type: 'boolean', 'x-zui': { index: 3 } },
  description: { type: 'string', 'x-zui': { index: 4, searchable: true } },
}

const makeRow = (i: number) => ({
  name: `user-${i}`,
  category: `cat-${int(50)}`,
  amount: int(100_000),
  active: rand() < 0.5,
  description: Array.from({ length: 8 }, () => words[int(words.length)]).join(' '),
})

type Query = { label: string; iterations: number; input: () => Record<string, unknown> }

const queries: Query[] = [
  { label: 'equality `{ category: "cat-N" }`, limit 100', iterations: 300, input: () => ({ filter: { category: `cat-${int(50)}` }, limit: 100 }) },
  {
    label: 'range `{ amount: { $gte: x, $lt: x + 500 } }`',
    iterations: 300,
    input: () => {
      const x = int(99_000)
      return { filter: { amount: { $gte: x, $lt: x + 500 } }, limit: 100 }
    },
  },
  {
    label: '`$or` of three clauses',
    iterations: 300,
    input: () => ({ filter: { $or: [{ name: `user-${int(ROWS)}` }, { amount: { $lt: int(200) } }, { category: `cat-${int(50)}`, active: true }] }, limit: 100 }),
  },
  { label: 'group by `category` with `amount` sum (all rows)', iterations: 15, input: () => ({ group: { category: 'key', amount: ['sum'] }, limit: 100 }) },
  { label: 'group by `category` with sum, filtered by a range', iterations: 100, input: () => ({ filter: { amount: { $lt: 2_000 + int(1_000) } }, group: { category: 'key', amount: ['sum'] } }) },
  { label: 'search (two words), limit 20', iterations: 200, input: () => ({ search: `${words[int(words.length)]} ${words[int(words.length)]}`, limit: 20 }) },
]

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1))

type StoreResult = { name: string; rowsPerSecond: number; timings: { p50: number; p99: number }[]; plans: string[][] }

async function run(name: string, database?: string): Promise<StoreResult> {
  const server = await startTestServer({ database })
  try {
    const client = new Client({ apiUrl: server.url, token: server.token, botId: server.botId, workspaceId: server.workspaceId })
    await client.createTable({ name: 'BenchTable', schema })
    seed = 42
    const started = performance.now()
    process.stderr.write(`${name}: inserting ${ROWS} rows...\n`)
    for (let i = 0; i < ROWS; i += BATCH) {
      await client.createTableRows({ table: 'BenchTable', rows: Array.from({ length: BATCH }, (_, j) => makeRow(i + j)) })
    }
    const rowsPerSecond = ROWS / ((performance.now() - started) / 1000)
    // Fresh statistics, as a long-running store would have (PostgreSQL's autovacuum, SQLite's `PRAGMA optimize`).
    await sql`ANALYZE`.execute(server.server.store.db)

    const timings: StoreResult['timings'] = []
    const plans: string[][] = []
    const store = server.server.store
    const dialect = dialectFor(store.dialect)
    const table = await findTable(store.db, server.botId, 'BenchTable')
    for (const query of queries) {
      for (let i = 0; i < 5; i++) await client.findTableRows({ table: 'BenchTable', ...query.input() })
      const samples: number[] = []
      for (let i = 0; i < query.iterations; i++) {
        const input = query.input()
        const t0 = performance.now()
        await client.findTableRows({ table: 'BenchTable', ...input })
        samples.push(performance.now() - t0)
      }
      samples.sort((a, b) => a - b)
      timings.push({ p50: percentile(samples, 50), p99: percentile(samples, 99) })
      const input = { table: 'BenchTable', ...query.input() } as never
      plans.push(query.input().group ? [] : await dialect.explain(store.db as unknown as Kysely<any>, findQuery(store.db, dialect, table, input, { maxDepth: server.server.config.maxFilterDepth }).compile()))
    }
    return { name, rowsPerSecond, timings, plans }
  } finally {
    await server.close()
  }
}

const results: StoreResult[] = [await run('SQLite')]
if (postgresUrl) results.push(await run('PostgreSQL', postgresUrl))

const lines = [
  '## Tables',
  '',
  `${new Date().toISOString().slice(0, 10)}. \`npm run bench -- tables\` (bench/tables.bench.ts). One table of ${ROWS.toLocaleString('en')} rows (5 columns, one searchable);`,
  'timings are end to end through @bpkit/client over loopback HTTP (request, filter compiled to SQL, JSON response).',
  '',
  `| | ${results.map((r) => `${r.name} p50`).join(' | ')} | ${results.map((r) => `${r.name} p99`).join(' | ')} |`,
  `|---|${results.map(() => '---:').join('|')}|${results.map(() => '---:').join('|')}|`,
  `| createTableRows, batches of ${BATCH} | ${results.map((r) => `${Math.round(r.rowsPerSecond).toLocaleString('en')} rows/s`).join(' | ')} | ${results.map(() => '').join(' | ')} |`,
  ...queries.map((q, i) => `| findTableRows: ${q.label} | ${results.map((r) => `${ms(r.timings[i]!.p50)} ms`).join(' | ')} | ${results.map((r) => `${ms(r.timings[i]!.p99)} ms`).join(' | ')} |`),
  '',
  'Query plans (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN):',
  '',
  ...results.flatMap((r) => [
    `${r.name}:`,
    '',
    '```',
    ...queries.flatMap((q, i) => (r.plans[i]!.length ? [`-- ${q.label.replace(/`/g, '')}`, ...r.plans[i]!] : [])),
    '```',
    '',
  ]),
]
console.log(lines.join('\n'))
