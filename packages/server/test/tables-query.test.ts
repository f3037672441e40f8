import { before, it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { expectApiError } from './admin-support.js'

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', 'x-zui': { index: 0, searchable: true } },
    age: { type: 'number', 'x-zui': { index: 1 } },
    active: { type: 'boolean', 'x-zui': { index: 2 } },
    born: { type: 'string', format: 'date-time', 'x-zui': { index: 3 } },
    meta: { type: 'object', 'x-zui': { index: 4 } },
    tags: { type: 'array', items: { type: 'string' }, 'x-zui': { index: 5 } },
    bio: { type: 'string', 'x-zui': { index: 6, searchable: true } },
  },
}

/** Row i has id i + 1. */
const people = [
  { name: 'Ann', age: 30, active: true, born: '1994-05-01T00:00:00.000Z', meta: { city: 'Oslo', score: 7 }, tags: ['a', 'b'], bio: 'Loves hiking and green tea' },
  { name: 'Bob', age: 25, active: false, born: '1999-01-15T00:00:00.000Z', meta: { city: 'Paris', score: 3 }, tags: ['a'], bio: 'Plays chess' },
  { name: 'cara', age: 41, active: true, born: '1983-11-30T00:00:00.000Z', meta: { city: 'Oslo', score: 9 }, tags: [], bio: 'Green energy engineer' },
  { name: 'Dan', age: null, active: null, meta: { city: 'Rome' }, bio: 'Hiking guide, loves tea' },
  { name: 'Eve', age: 25.5, active: false, born: '2001-07-07T00:00:00.000Z', tags: ['b', 'c', 'd'] },
  { name: "O'Brien; DROP TABLE x", age: -7, active: true, meta: { city: 'Oslo', score: -2 } },
]

describeEachStore('tables: the query language', ({ server }) => {
  const client = () => clientFor(server())
  const ids = async (filter: Record<string, unknown>) =>
    (await client().findTableRows({ table: 'PeopleTable', filter, limit: 1000 })).rows.map((r) => r.id).sort((a, b) => a - b)

  before(async () => {
    await client().createTable({ name: 'PeopleTable', schema })
    await client().createTableRows({ table: 'PeopleTable', rows: people })
  })

  it('comparison operators and implicit equality', async () => {
    assert.deepEqual(await ids({ name: 'Ann' }), [1])
    assert.deepEqual(await ids({ name: { $eq: 'Ann' } }), [1])
    assert.deepEqual(await ids({ age: { $ne: 25 } }), [1, 3, 4, 5, 6])
    assert.deepEqual(await ids({ age: { $gt: 25 } }), [1, 3, 5])
    assert.deepEqual(await ids({ age: { $gte: 25 } }), [1, 2, 3, 5])
    assert.deepEqual(await ids({ age: { $lt: 25.5 } }), [2, 6])
    assert.deepEqual(await ids({ age: { $lte: 25.5, $gt: 0 } }), [2, 5])
    assert.deepEqual(await ids({ name: { $gt: 'Bob' } }), [3, 4, 5, 6]) // byte order: lower case after upper case
    assert.deepEqual(await ids({ age: { $in: [25, 41, null] } }), [2, 3, 4])
    assert.deepEqual(await ids({ age: { $nin: [25, 41] } }), [1, 4, 5, 6])
    assert.deepEqual(await ids({ age: { $in: [] } }), [])
    assert.deepEqual(await ids({ age: { $exists: true } }), [1, 2, 3, 5, 6])
    assert.deepEqual(await ids({ age: { $exists: false } }), [4])
    assert.deepEqual(await ids({ age: null }), [4])
    assert.deepEqual(await ids({ age: { $mod: [5, 0] } }), [1, 2, 5]) // 25.5 truncates to 25
    assert.deepEqual(await ids({ age: { $mod: [2, -1] } }), [6]) // the sign follows the dividend
    assert.deepEqual(await ids({ tags: { $size: 1 } }), [2])
    assert.deepEqual(await ids({ tags: { $size: 0 } }), [3])
    // A value of another type never matches.
    assert.deepEqual(await ids({ age: '25' }), [])
    assert.deepEqual(await ids({ age: { $gt: 'a' } }), [])
  })

  it('$regex with $options', async () => {
    assert.deepEqual(await ids({ name: { $regex: '^[A-D]' } }), [1, 2, 4])
    assert.deepEqual(await ids({ name: { $regex: '^c', $options: 'i' } }), [3])
    assert.deepEqual(await ids({ bio: { $regex: 'tea$' } }), [1, 4])
    assert.deepEqual(await ids({ name: { $not: { $regex: 'a' } } }), [1, 2, 5, 6])
    await expectApiError(client().findTableRows({ table: 'PeopleTable', filter: { name: { $regex: '(' } } }), { code: 400, type: 'InvalidQuery', message: /regular expression/ })
    await expectApiError(client().findTableRows({ table: 'PeopleTable', filter: { name: { $regex: 'a', $options: 'g' } } }), { code: 400, type: 'InvalidQuery', message: /\$options/ })
  })

  it('every column type: boolean, date, object by dot path', async () => {
    assert.deepEqual(await ids({ active: true }), [1, 3, 6])
    assert.deepEqual(await ids({ active: { $ne: true } }), [2, 4, 5])
    assert.deepEqual(await ids({ born: { $gte: '1995-01-01T00:00:00.000Z' } }), [2, 5])
    assert.deepEqual(await ids({ born: { $lt: '1990' } }), [3])
    assert.deepEqual(await ids({ 'meta.city': 'Oslo' }), [1, 3, 6])
    assert.deepEqual(await ids({ 'meta.score': { $gt: 0 } }), [1, 2, 3])
    assert.deepEqual(await ids({ 'meta.score': { $exists: false } }), [4, 5])
    assert.deepEqual(await ids({ id: { $in: [2, 4] } }), [2, 4])
    assert.deepEqual(await ids({ createdAt: { $exists: true } }), [1, 2, 3, 4, 5, 6])
  })

  it('$and, $or, $not nested', async () => {
    assert.deepEqual(await ids({ $or: [{ age: { $lt: 0 } }, { name: 'Bob' }] }), [2, 6])
    assert.deepEqual(await ids({ $and: [{ active: true }, { $or: [{ 'meta.city': 'Paris' }, { age: { $gt: 35 } }] }] }), [3])
    assert.deepEqual(await ids({ $not: { $or: [{ active: true }, { age: null }] } }), [2, 5])
    assert.deepEqual(await ids({ $and: [{ $not: { $and: [{ active: false }] } }, { $or: [{ tags: { $size: 2 } }, { 'meta.city': { $in: ['Rome'] } }] }] }), [1, 4])
  })

  it('malformed filters and unknown operators are 400 InvalidQuery saying what is wrong', async () => {
    const bad = async (filter: unknown, message: RegExp) =>
      expectApiError(client().findTableRows({ table: 'PeopleTable', filter: filter as Record<string, unknown> }), { code: 400, type: 'InvalidQuery', message })
    await bad({ age: { $near: 3 } }, /unknown operator "\$near"/)
    await bad({ $nor: [{ age: 1 }] }, /unknown operator "\$nor"/)
    await bad({ nope: 1 }, /unknown column "nope"/)
    await bad({ 'name.first': 'x' }, /only object columns/)
    await bad({ $or: [] }, /non-empty array/)
    await bad({ $or: {} }, /non-empty array/)
    await bad({ age: { $in: 3 } }, /takes an array/)
    await bad({ age: { $mod: [0, 1] } }, /divisor/)
    await bad({ tags: { $size: -1 } }, /integer/)
    await bad({ age: { $gt: null } }, /string, number or boolean/)
    await bad({ meta: { city: 'Oslo' } }, /dot path/)
    await bad({ age: [1, 2] }, /object of operators/)
    await bad({ age: { $exists: 'yes' } }, /true or false/)
  })

  it('SQL injection through values and column names is harmless', async () => {
    assert.deepEqual(await ids({ name: "O'Brien; DROP TABLE x" }), [6])
    assert.deepEqual(await ids({ name: "' OR 1=1 --" }), [])
    assert.deepEqual(await ids({ 'meta.city")) OR 1=1 --': 'x' }).catch((e) => e.type), 'InvalidQuery')
    assert.deepEqual(await ids({ "name' OR '1'='1": 'x' }).catch((e) => e.type), 'InvalidQuery')
    assert.deepEqual(await ids({ 'meta.x\' OR 1=1 --': 'x' }), [])
    assert.deepEqual(await ids({ name: { $regex: "'; DROP TABLE x; --" } }), [])
    await expectApiError(client().findTableRows({ table: 'PeopleTable', orderBy: 'name; DROP TABLE x' }), { code: 400, type: 'InvalidQuery' })
    await expectApiError(client().findTableRows({ table: 'PeopleTable', select: ['name") --'] }), { code: 400, type: 'InvalidQuery' })
    await expectApiError(client().createTable({ name: 'InjTable', schema: { 'a"; DROP TABLE x; --': { type: 'string' } } }), { code: 400 })
    assert.equal((await client().getTable({ table: 'PeopleTable' })).rows, people.length)
  })

  it('orderBy system and user columns, both directions, missing values first going up', async () => {
    const order = async (orderBy: string, orderDirection?: 'asc' | 'desc') =>
      (await client().findTableRows({ table: 'PeopleTable', orderBy, orderDirection })).rows.map((r) => r.id)
    assert.deepEqual(await order('id', 'desc'), [6, 5, 4, 3, 2, 1])
    assert.deepEqual(await order('createdAt'), [1, 2, 3, 4, 5, 6])
    assert.deepEqual(await order('age'), [4, 6, 2, 5, 1, 3])
    assert.deepEqual(await order('age', 'desc'), [3, 1, 5, 2, 6, 4])
    assert.deepEqual(await order('name'), [1, 2, 4, 5, 6, 3])
    assert.deepEqual(await order('born', 'desc'), [5, 2, 1, 3, 6, 4])
    await expectApiError(client().findTableRows({ table: 'PeopleTable', orderBy: 'meta' }), { code: 400, type: 'InvalidQuery' })
  })

  it('select with dot paths keeps system columns', async () => {
    const { rows } = await client().findTableRows({ table: 'PeopleTable', filter: { id: 1 }, select: ['name', 'meta.city'] })
    const { createdAt, updatedAt, computed, stale, ...rest } = rows[0]!
    assert.ok(createdAt && updatedAt && computed)
    assert.deepEqual(rest, { id: 1, name: 'Ann', meta: { city: 'Oslo' } })
  })

  it('group by key with count, sum, avg, min, max, unique, combined with a filter', async () => {
    const { rows } = await client().findTableRows({
      table: 'PeopleTable',
      filter: { age: { $exists: true } },
      group: { active: 'key', age: ['count', 'sum', 'avg', 'min', 'max'], name: ['unique', 'max'] },
    })
    const strip = rows.map(({ id: _id, computed: _c, ...r }) => r)
    assert.deepEqual(strip, [
      { activeKey: false, ageCount: 2, ageSum: 50.5, ageAvg: 25.25, ageMin: 25, ageMax: 25.5, nameUnique: ['Bob', 'Eve'], nameMax: 'Eve' },
      { activeKey: true, ageCount: 3, ageSum: 64, ageAvg: 64 / 3, ageMin: -7, ageMax: 41, nameUnique: ['Ann', "O'Brien; DROP TABLE x", 'cara'], nameMax: 'cara' },
    ])
    const byCity = await client().findTableRows({ table: 'PeopleTable', group: { 'meta.city': 'key', id: 'count' } }).catch((e) => e.type)
    assert.equal(byCity, 'InvalidQuery')
    const total = await client().findTableRows({ table: 'PeopleTable', group: { id: 'count', born: ['min', 'max'] } })
    assert.deepEqual(total.rows.map(({ id: _id, computed: _c, ...r }) => r), [{ idCount: 6, bornMin: '1983-11-30T00:00:00.000Z', bornMax: '2001-07-07T00:00:00.000Z' }])
    await expectApiError(client().findTableRows({ table: 'PeopleTable', group: { name: 'sum' } }), { code: 400, type: 'InvalidQuery', message: /number column/ })
    await expectApiError(client().findTableRows({ table: 'PeopleTable', group: { name: 'median' } }), { code: 400, type: 'InvalidQuery' })
  })

  it('search ranks rows of the searchable columns by similarity', async () => {
    const { rows } = await client().findTableRows({ table: 'PeopleTable', search: 'hiking tea' })
    assert.deepEqual(rows.map((r) => [r.id, r.similarity]), [[1, 1], [4, 1]])
    const partial = await client().findTableRows({ table: 'PeopleTable', search: 'green tea' })
    assert.deepEqual(partial.rows.map((r) => [r.id, r.similarity]), [[1, 1], [3, 0.5], [4, 0.5]])
    // Words match by prefix, and a filter narrows the search.
    const prefix = await client().findTableRows({ table: 'PeopleTable', search: 'engin', filter: { active: true } })
    assert.deepEqual(prefix.rows.map((r) => r.id), [3])
    // Not searchable: meta.city.
    assert.deepEqual((await client().findTableRows({ table: 'PeopleTable', search: 'Paris' })).rows, [])
    assert.deepEqual((await client().findTableRows({ table: 'PeopleTable', search: '   ' })).rows, [])
  })
})
