import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { tablesSection } from '../src/tables/index.js'
import { dialectFor } from '../src/tables/dialect.js'

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', 'x-zui': { index: 0, searchable: true } },
    age: { type: 'number', 'x-zui': { index: 1 } },
    active: { type: 'boolean', 'x-zui': { index: 2 } },
    born: { type: 'string', format: 'date-time', 'x-zui': { index: 3 } },
    meta: { type: 'object', properties: { city: { type: 'string' } }, 'x-zui': { index: 4 } },
  },
  required: ['name'],
}

describeEachStore('tables: table operations', ({ server }) => {
  const client = () => clientFor(server())

  it('createTable, getTable by id and by name, listTables by tags', async () => {
    const { table } = await client().createTable({ name: 'PeopleTable', schema, tags: { team: 'a' }, factor: 2 })
    assert.match(table.id, /^table_/)
    assert.equal(table.name, 'PeopleTable')
    assert.equal(table.factor, 2)
    assert.equal(table.frozen, false)
    assert.deepEqual(Object.keys(table.schema.properties), ['name', 'age', 'active', 'born', 'meta'])
    assert.equal(table.schema.properties.name!['x-zui'].searchable, true)
    assert.deepEqual(table.schema.required, ['name'])
    const byId = await client().getTable({ table: table.id })
    const byName = await client().getTable({ table: 'PeopleTable' })
    assert.equal(byId.table.id, table.id)
    assert.equal(byName.table.id, table.id)
    assert.equal(byName.rows, 0)
    // The short form: a map of columns.
    await client().createTable({ name: 'ShortTable', schema: { title: { type: 'string' } }, tags: { team: 'b' } })
    const listed = await client().listTables({ tags: { team: 'a' } })
    assert.deepEqual(listed.tables.map((t) => t.name), ['PeopleTable'])
    assert.ok((await client().listTables({})).tables.length >= 2)
  })

  it('createTable refuses a taken name, bad names, bad columns and computed columns', async () => {
    await client().createTable({ name: 'TakenTable', schema: { a: { type: 'string' } } })
    await expectApiError(client().createTable({ name: 'TakenTable', schema: { a: { type: 'string' } } }), { code: 409, type: 'AlreadyExists' })
    await expectApiError(client().createTable({ name: 'bad name', schema: {} }), { code: 400, message: /"name"/ })
    await expectApiError(client().createTable({ name: 'BadColTable', schema: { 'a-b': { type: 'string' } } }), { code: 400, message: /column name "a-b"/ })
    await expectApiError(client().createTable({ name: 'BadTypeTable', schema: { a: { type: 'text' } } }), { code: 400, message: /column "a" needs a "type"/ })
    await expectApiError(client().createTable({ name: 'SysTable', schema: { id: { type: 'string' } } }), { code: 400, message: /system column/ })
    await expectApiError(
      client().createTable({ name: 'AiTable', schema: { a: { type: 'string', 'x-zui': { computed: { action: 'ai', prompt: 'x' } } } } }),
      { code: 400, message: /computed columns are not supported/ },
    )
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`c${i}`, { type: 'string' }]))
    await expectApiError(client().createTable({ name: 'WideTable', schema: tooMany }), { code: 400, message: /at most 20/ })
    await expectApiError(client().getTable({ table: 'NoSuchTable' }), { code: 404, type: 'ResourceNotFound' })
  })

  it('getOrCreateTable creates once, concurrently too', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => client().getOrCreateTable({ table: 'ConcurrentTable', schema: { a: { type: 'string' } } })))
    assert.equal(new Set(results.map((r) => r.table.id)).size, 1)
    assert.equal(results.filter((r) => r.created).length, 1)
    const again = await client().getOrCreateTable({ table: 'ConcurrentTable', schema: { a: { type: 'string' } } })
    assert.equal(again.created, false)
  })

  it('updateTable adds columns, renames, retags; a schema that breaks stored rows is refused and changes nothing', async () => {
    const { table } = await client().createTable({ name: 'EvolveTable', schema: { a: { type: 'string' }, n: { type: 'number' } } })
    await client().createTableRows({ table: table.id, rows: [{ a: 'x', n: 1 }, { a: '7', n: 2 }] })
    const updated = await client().updateTable({ table: table.id, name: 'EvolvedTable', tags: { v: '2' }, schema: { a: { type: 'string' }, n: { type: 'number' }, b: { type: 'boolean' } } })
    assert.equal(updated.table.name, 'EvolvedTable')
    assert.deepEqual(updated.table.tags, { v: '2' })
    assert.deepEqual(Object.keys(updated.table.schema.properties), ['a', 'n', 'b'])
    await expectApiError(client().updateTable({ table: table.id, schema: { a: { type: 'number' }, n: { type: 'number' } } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /row 1: column "a"/,
    })
    const after = await client().getTable({ table: table.id })
    assert.equal(after.table.schema.properties.a!.type, 'string')
    // Dropping a column drops its values; filters on what remains still work.
    await client().updateTable({ table: table.id, schema: { a: { type: 'string' } } })
    const { rows } = await client().findTableRows({ table: table.id, filter: { a: 'x' } })
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.n, undefined)
    await expectApiError(client().updateTable({ table: table.id, factor: 0.5 }), { code: 400 })
  })

  it('frozen tables refuse schema changes and renames; factor only grows', async () => {
    const { table } = await client().createTable({ name: 'FrozenTable', frozen: true, factor: 2, schema: { a: { type: 'string' } } })
    await expectApiError(client().updateTable({ table: table.id, schema: { a: { type: 'string' }, b: { type: 'string' } } }), { code: 400, message: /frozen/ })
    await expectApiError(client().updateTable({ table: table.id, name: 'OtherTable' }), { code: 400, message: /frozen/ })
    await expectApiError(client().renameTableColumn({ table: table.id, name: 'a', newName: 'b' }), { code: 400, message: /frozen/ })
    await expectApiError(client().updateTable({ table: table.id, factor: 1 }), { code: 400, message: /only grow/ })
    const { table: tagged } = await client().updateTable({ table: table.id, tags: { ok: 'yes' }, factor: 3 })
    assert.deepEqual(tagged.tags, { ok: 'yes' })
    assert.equal(tagged.factor, 3)
  })

  it('renameTableColumn moves the values', async () => {
    const { table } = await client().createTable({ name: 'RenameTable', keyColumn: 'old', schema: { old: { type: 'string' }, obj: { type: 'object' } } })
    await client().createTableRows({ table: table.id, rows: [{ old: 'v1', obj: { k: 1 } }, { obj: { k: 2 } }] })
    const renamed = await client().renameTableColumn({ table: table.id, name: 'old', newName: 'fresh' })
    assert.deepEqual(Object.keys(renamed.table.schema.properties), ['fresh', 'obj'])
    assert.equal(renamed.table.keyColumn, 'fresh')
    await client().renameTableColumn({ table: table.id, name: 'obj', newName: 'o' })
    const { rows } = await client().findTableRows({ table: table.id, filter: { fresh: 'v1' } })
    assert.equal(rows.length, 1)
    assert.deepEqual(rows[0]!.o, { k: 1 })
    assert.equal(rows[0]!.old, undefined)
    await expectApiError(client().renameTableColumn({ table: table.id, name: 'nope', newName: 'x' }), { code: 400 })
    await expectApiError(client().renameTableColumn({ table: table.id, name: 'fresh', newName: 'o' }), { code: 400, message: /already has/ })
  })

  it('duplicateTable with and without rows; deleteTable', async () => {
    const { table } = await client().createTable({ name: 'SourceTable', schema: { a: { type: 'string', 'x-zui': { index: 0, searchable: true } } } })
    await client().createTableRows({ table: table.id, rows: [{ a: 'hello world' }, { a: 'bye' }] })
    const copy = await client().duplicateTable({ sourceTableId: table.id, tableName: 'CopyTable' })
    assert.equal(copy.rows, 2)
    const found = await client().findTableRows({ table: 'CopyTable', search: 'hello' })
    assert.deepEqual(found.rows.map((r) => r.a), ['hello world'])
    // New rows of the copy get fresh ids.
    const added = await client().createTableRows({ table: 'CopyTable', rows: [{ a: 'third' }] })
    assert.equal(added.rows[0]!.id, 3)
    const empty = await client().duplicateTable({ sourceTableId: table.id, tableName: 'EmptyCopyTable', schemaOnly: true })
    assert.equal(empty.rows, 0)
    assert.deepEqual(empty.table.schema.properties, table.schema.properties)
    await expectApiError(client().duplicateTable({ sourceTableId: table.id, tableName: 'CopyTable' }), { code: 409 })
    await client().deleteTable({ table: 'CopyTable' })
    await expectApiError(client().getTable({ table: 'CopyTable' }), { code: 404 })
    await expectApiError(client().findTableRows({ table: 'CopyTable' }), { code: 404 })
    assert.equal((await client().getTable({ table: table.id })).rows, 2)
  })

  it('another account never reaches a table', async () => {
    await client().createTable({ name: 'PrivateTable', schema: { a: { type: 'string' } } })
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, botId: other.botId, workspaceId: other.workspaceId })
    await expectApiError(stranger.getTable({ table: 'PrivateTable' }), { code: 404 })
    await expectApiError(stranger.findTableRows({ table: 'PrivateTable' }), { code: 404 })
    await expectApiError(stranger.createTableRows({ table: 'PrivateTable', rows: [{ a: 'x' }] }), { code: 404 })
    const intruder = clientFor(server(), { token: other.token, botId: server().botId, workspaceId: other.workspaceId })
    await expectApiError(intruder.getTable({ table: 'PrivateTable' }), { code: [403, 404] })
  })
})

describeEachStore('tables: a deleted bot takes its tables along', ({ server }) => {
  it('deleteBot removes the tables; the sweep drops their rows tables', async () => {
    const { bot } = await clientFor(server()).createBot({ name: 'doomed' })
    const doomed = clientFor(server(), { botId: bot.id })
    const { table } = await doomed.createTable({ name: 'DoomedTable', schema: { a: { type: 'string' } } })
    await doomed.createTableRows({ table: table.id, rows: [{ a: 'x' }] })
    const store = server().server.store
    const rowsTable = `t_${table.id.slice('table_'.length)}`
    const tables = () => dialectFor(store.dialect).listTables(store.db as never)
    assert.ok((await tables()).includes(rowsTable))
    await clientFor(server()).deleteBot({ id: bot.id })
    await tablesSection.sweep!(server().server as never)
    assert.ok(!(await tables()).includes(rowsTable))
  })
})

describeEachStore('tables: row operations', ({ server }) => {
  const client = () => clientFor(server())

  it('createTableRows: ids, system columns, dates normalized, unknown columns ignored with a warning', async () => {
    await client().createTable({ name: 'RowsTable', schema })
    const { rows, warnings } = await client().createTableRows({
      table: 'RowsTable',
      rows: [
        { name: 'Ann', age: 31, active: true, born: '1990-01-02T03:04:05+01:00', meta: { city: 'Oslo' }, extra: 1 },
        { name: 'Bob', id: 999, createdAt: 'x' },
      ],
    })
    assert.deepEqual(rows.map((r) => r.id), [1, 2])
    assert.equal(rows[0]!.born, '1990-01-02T02:04:05.000Z')
    assert.deepEqual(rows[0]!.meta, { city: 'Oslo' })
    assert.equal(rows[0]!.extra, undefined)
    assert.ok(rows[1]!.createdAt && rows[1]!.updatedAt && rows[1]!.createdAt !== 'x')
    assert.match(warnings?.join(' ') ?? '', /"extra"/)
    const { row } = await client().getTableRow({ table: 'RowsTable', id: 1 })
    assert.equal(row.name, 'Ann')
    assert.equal(row.active, true)
    await expectApiError(client().getTableRow({ table: 'RowsTable', id: 77 }), { code: 404 })
  })

  it('a row that does not fit is refused naming row and column, and no row of the request is written', async () => {
    await client().createTable({ name: 'StrictTable', schema })
    await expectApiError(client().createTableRows({ table: 'StrictTable', rows: [{ name: 'ok' }, { name: 'bad', age: 'old' }] }), {
      code: 400,
      type: 'InvalidPayload',
      message: /rows\[1\]: column "age"/,
    })
    await expectApiError(client().createTableRows({ table: 'StrictTable', rows: [{ age: 3 }] }), { code: 400, message: /rows\[0\]: column "name" is required/ })
    await expectApiError(client().createTableRows({ table: 'StrictTable', rows: [{ name: 'x', born: 'yesterday' }] }), { code: 400, message: /column "born"/ })
    assert.equal((await client().getTable({ table: 'StrictTable' })).rows, 0)
    await expectApiError(client().createTableRows({ table: 'StrictTable', rows: [{ name: 'x'.repeat(5000) }] }), { code: 400, message: /at most 4096/ })
  })

  it('updateTableRows merges columns; a missing id or a bad value changes nothing', async () => {
    await client().createTable({ name: 'UpdTable', schema })
    await client().createTableRows({ table: 'UpdTable', rows: [{ name: 'a', age: 1 }, { name: 'b', age: 2 }] })
    const { rows } = await client().updateTableRows({ table: 'UpdTable', rows: [{ id: 1, age: 10 }, { id: 2, name: 'bee', age: null }] })
    assert.deepEqual(rows.map((r) => [r.id, r.name, r.age]), [[1, 'a', 10], [2, 'bee', null]])
    await expectApiError(client().updateTableRows({ table: 'UpdTable', rows: [{ id: 1, age: 5 }, { id: 42, age: 1 }] }), { code: 404 })
    await expectApiError(client().updateTableRows({ table: 'UpdTable', rows: [{ id: 1, age: 5 }, { id: 2, age: 'x' }] }), { code: 400, message: /Row 2 \(rows\[1\]\): column "age"/ })
    assert.equal((await client().getTableRow({ table: 'UpdTable', id: 1 })).row.age, 10)
  })

  it('upsertTableRows by id and by key column', async () => {
    await client().createTable({ name: 'UpsTable', keyColumn: 'name', schema })
    const first = await client().upsertTableRows({ table: 'UpsTable', keyColumn: 'name', rows: [{ name: 'a', age: 1 }, { name: 'b', age: 2 }] })
    assert.deepEqual(first.inserted.map((r) => r.name), ['a', 'b'])
    assert.equal(first.updated.length, 0)
    const second = await client().upsertTableRows({ table: 'UpsTable', keyColumn: 'name', rows: [{ name: 'a', age: 11 }, { name: 'c', age: 3 }] })
    assert.deepEqual(second.updated.map((r) => [r.name, r.age]), [['a', 11]])
    assert.deepEqual(second.inserted.map((r) => r.name), ['c'])
    const byId = await client().upsertTableRows({ table: 'UpsTable', rows: [{ id: 2, age: 22 }, { name: 'd' }] })
    assert.deepEqual(byId.updated.map((r) => [r.id, r.name, r.age]), [[2, 'b', 22]])
    assert.deepEqual(byId.inserted.map((r) => r.name), ['d'])
    // The key column is unique.
    await expectApiError(client().createTableRows({ table: 'UpsTable', rows: [{ name: 'a' }] }), { code: 409, message: /"name"/ })
    await expectApiError(client().upsertTableRows({ table: 'UpsTable', keyColumn: 'age', rows: [{ name: 'z' }] }), { code: 400, message: /key column "age" needs a value/ })
    await expectApiError(client().upsertTableRows({ table: 'UpsTable', keyColumn: 'active', rows: [{ name: 'z' }] }), { code: 400, message: /keyColumn/ })
    assert.equal((await client().getTable({ table: 'UpsTable' })).rows, 4)
  })

  it('deleteTableRows by ids, by filter, all', async () => {
    await client().createTable({ name: 'DelTable', schema })
    await client().createTableRows({ table: 'DelTable', rows: Array.from({ length: 10 }, (_, i) => ({ name: `n${i}`, age: i })) })
    assert.equal((await client().deleteTableRows({ table: 'DelTable', ids: [1, 2, 99] })).deletedRows, 2)
    assert.equal((await client().deleteTableRows({ table: 'DelTable', filter: { age: { $gte: 7 } } })).deletedRows, 3)
    await expectApiError(client().deleteTableRows({ table: 'DelTable' }), { code: 400, message: /exactly one/ })
    await expectApiError(client().deleteTableRows({ table: 'DelTable', filter: { age: { $near: 1 } } }), { code: 400, type: 'InvalidQuery' })
    assert.equal((await client().getTable({ table: 'DelTable' })).rows, 5)
    assert.equal((await client().deleteTableRows({ table: 'DelTable', deleteAllRows: true })).deletedRows, 5)
    // Ids are never reused.
    const { rows } = await client().createTableRows({ table: 'DelTable', rows: [{ name: 'again' }] })
    assert.equal(rows[0]!.id, 11)
  })

  it('findTableRows pages with limit and offset', async () => {
    await client().createTable({ name: 'PageTable', schema })
    await client().createTableRows({ table: 'PageTable', rows: Array.from({ length: 25 }, (_, i) => ({ name: `n${i}`, age: i })) })
    const first = await client().findTableRows({ table: 'PageTable', limit: 10 })
    assert.deepEqual(first.rows.map((r) => r.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.equal(first.hasMore, true)
    assert.equal(first.limit, 10)
    const last = await client().findTableRows({ table: 'PageTable', limit: 10, offset: 20 })
    assert.deepEqual(last.rows.map((r) => r.id), [21, 22, 23, 24, 25])
    assert.equal(last.hasMore, false)
    assert.equal(last.offset, 20)
    assert.equal((await client().findTableRows({ table: 'PageTable', limit: 1 })).rows.length, 1)
    assert.equal((await client().findTableRows({ table: 'PageTable', limit: 1000 })).rows.length, 25)
    assert.equal((await client().findTableRows({ table: 'PageTable' })).limit, 100)
    await expectApiError(client().findTableRows({ table: 'PageTable', limit: 1001 }), { code: 400 })
    await expectApiError(client().findTableRows({ table: 'PageTable', limit: 0 }), { code: 400 })
  })
})
