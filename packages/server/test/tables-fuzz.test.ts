import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type TestServer } from '@bpkit/server'
import { clientFor, describeEachStore, stores } from './support.js'
import { matches } from './tables-evaluator.js'

/** A small seeded PRNG (mulberry32), so a failure can be replayed with the same seed. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Random = ReturnType<typeof random>

const SEED = Number(process.env.TABLES_FUZZ_SEED ?? 20240611)

const schema = {
  name: { type: 'string', 'x-zui': { index: 0, searchable: true } },
  age: { type: 'number', 'x-zui': { index: 1 } },
  active: { type: 'boolean', 'x-zui': { index: 2 } },
  born: { type: 'string', format: 'date-time', 'x-zui': { index: 3 } },
  meta: { type: 'object', 'x-zui': { index: 4 } },
  tags: { type: 'array', 'x-zui': { index: 5 } },
}

const names = ['Ann', 'ann', 'Bob', 'bobby', 'Cara', 'carl', 'Dan', 'Éva', 'zed', '', 'a b', 'O\'Neil']
const cities = ['Oslo', 'Rome', 'oslo', 'Paris', 'Lima']
const dates = ['1980-01-01T00:00:00.000Z', '1990-06-15T12:00:00.000Z', '2000-02-29T00:00:00.000Z', '2010-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z']
const numbers = [-10, -3, -1, 0, 1, 2, 2.5, 3, 7, 10, 25, 30.75, 100]

function makeRow(r: Random): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  const maybe = (key: string, value: () => unknown) => {
    const roll = r.next()
    if (roll < 0.1) return // missing
    row[key] = roll < 0.18 ? null : value()
  }
  maybe('name', () => r.pick(names))
  maybe('age', () => r.pick(numbers))
  maybe('active', () => r.chance(0.5))
  maybe('born', () => r.pick(dates))
  maybe('meta', () => {
    const meta: Record<string, unknown> = {}
    if (r.chance(0.8)) meta.city = r.pick(cities)
    // A nested value may be of any type: the filter has to respect JSON types below columns too.
    if (r.chance(0.8)) meta.score = r.chance(0.8) ? r.pick(numbers) : r.pick(['7', 'high', true])
    if (r.chance(0.3)) meta.deep = { level: r.pick(numbers) }
    return meta
  })
  maybe('tags', () => Array.from({ length: r.int(4) }, () => r.pick(['x', 'y', 'z'])))
  return row
}

const fields = ['name', 'age', 'active', 'born', 'meta.city', 'meta.score', 'meta.deep.level', 'tags', 'id']

function value(r: Random): unknown {
  const roll = r.int(10)
  if (roll < 3) return r.pick([...names, ...cities, ...dates.slice(0, 2), '7'])
  if (roll < 7) return r.pick(numbers)
  if (roll < 9) return r.chance(0.5)
  return null
}
const scalar = (r: Random): unknown => {
  let v = value(r)
  while (v === null) v = value(r)
  return v
}

function operators(r: Random, depth: number): Record<string, unknown> {
  const ops: Record<string, unknown> = {}
  for (let i = 0, n = 1 + r.int(2); i < n; i++) {
    const op = r.pick(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$mod', '$size', '$not'])
    switch (op) {
      case '$eq':
      case '$ne':
        ops[op] = value(r)
        break
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        ops[op] = scalar(r)
        break
      case '$in':
      case '$nin':
        ops[op] = Array.from({ length: r.int(4) }, () => value(r))
        break
      case '$exists':
        ops[op] = r.chance(0.5)
        break
      case '$regex':
        ops[op] = r.pick(['^A', 'b', 'o$', '^[a-c]', 'a.*e', 'O', '^$', 'n+', 'l\\w', '[0-9]'])
        if (r.chance(0.4)) ops.$options = 'i'
        break
      case '$mod':
        ops[op] = [r.pick([2, 3, 5, -3]), r.pick([-1, 0, 1, 2])]
        break
      case '$size':
        ops[op] = r.int(4)
        break
      case '$not':
        if (depth < 2) ops[op] = operators(r, depth + 1)
        break
    }
  }
  return Object.keys(ops).length ? ops : { $exists: true }
}

function filter(r: Random, depth = 0): Record<string, unknown> {
  const roll = r.next()
  if (depth < 3 && roll < 0.3) {
    const key = r.pick(['$and', '$or'])
    return { [key]: Array.from({ length: 1 + r.int(3) }, () => filter(r, depth + 1)) }
  }
  if (depth < 3 && roll < 0.38) return { $not: filter(r, depth + 1) }
  const out: Record<string, unknown> = {}
  for (let i = 0, n = 1 + r.int(2); i < n; i++) out[r.pick(fields)] = r.chance(0.3) ? value(r) : operators(r, depth)
  return out
}

/** Filters the server must refuse with 400 InvalidQuery. */
const invalidFilters = [
  { age: { $foo: 1 } },
  { $xor: [] },
  { age: [1] },
  { missing: 1 },
  { age: { $in: 'x' } },
  { name: { $regex: '[' } },
  { 'age.x': 1 },
  { $and: [{ age: { $mod: [0, 0] } }] },
  { $or: 'nope' },
  { meta: { city: 'Oslo' } },
]

describeEachStore('tables: fuzzed filters agree with an in-memory evaluation', ({ server }) => {
  const client = () => clientFor(server())
  let rows: Record<string, unknown>[] = []

  before(async () => {
    const r = random(SEED)
    await client().createTable({ name: 'FuzzTable', schema })
    const created = await client().createTableRows({ table: 'FuzzTable', rows: Array.from({ length: 150 }, () => makeRow(r)) })
    rows = created.rows
  })

  it(`200 random filters (seed ${SEED}): no 500, same rows as the evaluator`, async () => {
    const r = random(SEED + 1)
    for (let i = 0; i < 200; i++) {
      const f = filter(r)
      const expected = rows.filter((row) => matches(row, f)).map((row) => row.id as number)
      const found = await client()
        .findTableRows({ table: 'FuzzTable', filter: f, limit: 1000 })
        .catch((error) => assert.fail(`filter ${JSON.stringify(f)} failed: ${error.code} ${error.type} ${error.message}`))
      assert.deepEqual(found.rows.map((row) => row.id).sort((a, b) => a - b), expected, `filter ${JSON.stringify(f)}`)
    }
  })

  it('malformed filters are 400 InvalidQuery, never a 500', async () => {
    for (const f of invalidFilters) {
      const error = await client()
        .findTableRows({ table: 'FuzzTable', filter: f as Record<string, unknown> })
        .then(() => assert.fail(`filter ${JSON.stringify(f)} was accepted`), (e) => e)
      assert.equal(error.code, 400, `filter ${JSON.stringify(f)}: ${error.message}`)
      assert.equal(error.type, 'InvalidQuery', `filter ${JSON.stringify(f)}: ${error.message}`)
    }
  })
})

/** The same data and the same queries (filters, sorts, groups, searches) give the same answers on both stores. */
describe('tables: SQLite and PostgreSQL answer alike', { skip: stores.length < 2 ? 'BPKIT_TEST_POSTGRES_URL is not set' : false }, () => {
  const servers: TestServer[] = []
  before(async () => {
    for (const store of stores) servers.push(await startTestServer({ database: store.database }))
    const r = random(SEED + 2)
    const data = Array.from({ length: 120 }, () => makeRow(r))
    for (const s of servers) {
      await clientFor(s).createTable({ name: 'SameTable', schema })
      await clientFor(s).createTableRows({ table: 'SameTable', rows: data })
    }
  })
  after(async () => {
    await Promise.all(servers.map((s) => s.close()))
  })

  it('60 random queries', async () => {
    const r = random(SEED + 3)
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest)
    for (let i = 0; i < 60; i++) {
      const input: Record<string, unknown> = { table: 'SameTable', filter: filter(r), limit: 1 + r.int(50), offset: r.int(5) }
      const kind = r.int(4)
      if (kind === 1) Object.assign(input, { orderBy: r.pick(['name', 'age', 'born', 'active', 'id', 'createdAt']), orderDirection: r.pick(['asc', 'desc']) })
      if (kind === 2) input.group = r.pick([{ name: 'key', age: ['sum', 'avg', 'min', 'max', 'count'] }, { active: 'key', born: ['min', 'max', 'unique'] }, { age: 'key', id: 'count' }])
      if (kind === 3) input.search = r.pick(['ann', 'bo', 'éva zed', 'car dan', 'a'])
      const [a, b] = await Promise.all(servers.map((s) => clientFor(s).findTableRows(input as never)))
      assert.deepEqual(strip(a!.rows), strip(b!.rows), `query ${JSON.stringify(input)}`)
      assert.equal(a!.hasMore, b!.hasMore)
    }
  })
})
