import type { Kysely } from 'kysely'
import { alreadyExists, invalidPayload } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import type { RequestContext } from '../context.js'
import { newId } from '../ids.js'
import { hasTags, parseJson } from '../store/json.js'
import type { Db } from '../store/store.js'
import { cleanTags, mergeTags } from '../chat/tags.js'
import { dialectFor, isUniqueViolation, scalarKind, type TablesDialect } from './dialect.js'
import { findTable, loaded, rowData, toTable, type LoadedTable, type StoredRow } from './models.js'
import { checkColumnName, checkTableName, columnsOf, normalizeSchema, validateRows, type Column, type TableSchema } from './schema.js'
import { searchText } from './search.js'
import { copyRows, createRowsTable, indexSpecs, rowsTableOf, syncIndexes } from './storage.js'

/** A factor multiplies a row's 4 KB: a whole number (the store keeps it as an integer). */
function checkFactor(factor: number | undefined): void {
  if (factor !== undefined && !Number.isInteger(factor)) throw invalidPayload(`"factor" must be a whole number, got ${factor}`)
}

type TableOptions = { name: string; schema: Record<string, any>; factor?: number; frozen?: boolean; keyColumn?: string | null; tags?: Record<string, string>; isComputeEnabled?: boolean }

function refuseCompute(isComputeEnabled: boolean | undefined) {
  if (isComputeEnabled) throw invalidPayload('"isComputeEnabled": computed columns are not supported by this bpkit server')
}

/** The key column must be a string, number or date column: its values are unique and looked up by equality. */
function checkKeyColumn(keyColumn: string | null | undefined, columns: Column[]): string | null {
  if (keyColumn === undefined || keyColumn === null) return null
  const column = columns.find((c) => c.name === keyColumn)
  const kind = column && scalarKind(column.kind)
  if (!kind || kind === 'boolean') throw invalidPayload(`"keyColumn": ${JSON.stringify(keyColumn)} is not a string, number or date column of the schema`)
  return keyColumn
}

const botTables = (db: Db, botId: string) => db.selectFrom('tables').selectAll().where('botId', '=', botId)

const rowCount = async (db: Db, table: LoadedTable) =>
  Number((await (db as Kysely<any>).selectFrom(table.rowsTable).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

/**
 * Inserts a table's definition and creates its rows table, in the caller's transaction. With `ifAbsent`,
 * a table of the same name wins (concurrent get-or-create callers get one table); returns false then.
 */
async function insertTable(trx: Db, dialect: TablesDialect, botId: string, options: TableOptions, now: string, ifAbsent = false): Promise<boolean> {
  refuseCompute(options.isComputeEnabled)
  checkFactor(options.factor)
  const schema = normalizeSchema(options.schema)
  const columns = columnsOf(schema)
  const keyColumn = checkKeyColumn(options.keyColumn, columns)
  const id = newId('table')
  const inserted = await trx
    .insertInto('tables')
    .values({
      id,
      botId,
      name: options.name,
      schema: JSON.stringify(schema),
      factor: options.factor ?? 1,
      frozen: options.frozen ? 1 : 0,
      keyColumn,
      tags: JSON.stringify(cleanTags(options.tags)),
      createdAt: now,
      updatedAt: now,
    })
    .$if(ifAbsent, (q) => q.onConflict((oc) => oc.columns(['botId', 'name']).doNothing()))
    .returning('id')
    .executeTakeFirst()
  if (!inserted) return false
  await createRowsTable(trx as Kysely<any>, dialect, rowsTableOf(id), columns, keyColumn)
  return true
}

const tableExists = (name: string) => alreadyExists(`A table named "${name}" already exists in this bot`)

async function create(ctx: RequestContext, options: TableOptions): Promise<LoadedTable> {
  const botId = await ctx.botId()
  checkTableName(options.name)
  const dialect = dialectFor(ctx.store.dialect)
  try {
    await ctx.store.transaction(async (trx) => {
      if (await botTables(trx, botId).where('name', '=', options.name).executeTakeFirst()) throw tableExists(options.name)
      await insertTable(trx, dialect, botId, options, ctx.now())
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw tableExists(options.name)
    throw error
  }
  return findTable(ctx.db, botId, options.name)
}

/**
 * Checks every stored row against a new schema (the first row that no longer fits is refused, naming it),
 * then rewrites the rows whose stored form changes: dropped columns, dates normalized, new search words.
 */
async function migrateRows(trx: Db, dialect: TablesDialect, before: LoadedTable, schema: TableSchema) {
  const columns = columnsOf(schema)
  const searchChanged = JSON.stringify(before.columns.filter((c) => c.searchable).map((c) => c.name)) !== JSON.stringify(columns.filter((c) => c.searchable).map((c) => c.name))
  let after = 0
  for (;;) {
    const page = (await (trx as Kysely<any>)
      .selectFrom(before.rowsTable)
      .select(['id', 'createdAt', 'updatedAt', 'data'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute()) as StoredRow[]
    if (!page.length) return
    const stored = page.map((r) => rowData(r))
    const { data } = validateRows(schema, stored, (i) => `The new schema does not fit row ${page[i]!.id}`)
    for (const [i, row] of page.entries()) {
      const changed = JSON.stringify(data[i]) !== JSON.stringify(stored[i])
      if (changed || searchChanged) {
        await (trx as Kysely<any>)
          .updateTable(before.rowsTable)
          .set({ data: dialect.dataValue(data[i]!), search: searchText(data[i]!, columns) })
          .where('id', '=', row.id)
          .execute()
      }
    }
    after = Number(page[page.length - 1]!.id)
  }
}

const frozenError = (table: LoadedTable) => invalidPayload(`Table "${table.row.name}" is frozen: its name and schema cannot change (duplicate it to change them)`)

export const tableHandlers: PublicHandlers = {
  async createTable(input, ctx) {
    const table = await create(ctx, input)
    return { table: toTable(table.row) }
  },

  async getTable(input, ctx) {
    const table = await findTable(ctx.db, await ctx.botId(), input.table)
    return { table: toTable(table.row), rows: await rowCount(ctx.db, table), stale: 0, indexing: 0 }
  },

  async getOrCreateTable(input, ctx) {
    const botId = await ctx.botId()
    const existing = await botTables(ctx.db, botId)
      .where((eb) => eb.or([eb('id', '=', input.table), eb('name', '=', input.table)]))
      .executeTakeFirst()
    let created = false
    if (!existing) {
      checkTableName(input.table, 'table')
      const dialect = dialectFor(ctx.store.dialect)
      created = await ctx.store.transaction((trx) => insertTable(trx, dialect, botId, { ...input, name: input.table }, ctx.now(), true))
    }
    const table = await findTable(ctx.db, botId, input.table)
    return { table: toTable(table.row), created, rows: await rowCount(ctx.db, table), stale: 0, indexing: 0 }
  },

  async listTables(input, ctx) {
    const botId = await ctx.botId()
    const rows = await botTables(ctx.db, botId)
      .$if(!!input.tags, (q) => q.where(hasTags(ctx.store.dialect, 'tags', input.tags!)))
      .orderBy('createdAt')
      .orderBy('id')
      .execute()
    return { tables: rows.map(toTable) }
  },

  async updateTable(input, ctx) {
    const botId = await ctx.botId()
    const dialect = dialectFor(ctx.store.dialect)
    refuseCompute(input.isComputeEnabled)
    try {
      const row = await ctx.store.transaction(async (trx) => {
        const table = await findTable(trx, botId, input.table)
        const frozen = Number(table.row.frozen) === 1
        const renamed = input.name !== undefined && input.name !== table.row.name
        if (frozen && (renamed || input.schema !== undefined || input.frozen === false)) throw frozenError(table)
        if (renamed) {
          checkTableName(input.name!)
          if (await botTables(trx, botId).where('name', '=', input.name!).executeTakeFirst()) throw tableExists(input.name!)
        }
        checkFactor(input.factor)
        if (input.factor !== undefined && input.factor < Number(table.row.factor)) {
          throw invalidPayload(`"factor" can only grow: table "${table.row.name}" has factor ${table.row.factor}`)
        }
        const schema = input.schema !== undefined ? normalizeSchema(input.schema) : table.schema
        const columns = columnsOf(schema)
        const keyColumn = input.keyColumn !== undefined ? checkKeyColumn(input.keyColumn, columns) : checkKeyColumn(table.row.keyColumn, columns)
        if (input.schema !== undefined) await migrateRows(trx, dialect, table, schema)
        await syncIndexes(trx as Kysely<any>, dialect, table.rowsTable, indexSpecs(table.rowsTable, table.columns, table.row.keyColumn), indexSpecs(table.rowsTable, columns, keyColumn))
        return trx
          .updateTable('tables')
          .set({
            ...(renamed && { name: input.name! }),
            schema: JSON.stringify(schema),
            keyColumn,
            ...(input.factor !== undefined && { factor: input.factor }),
            ...(input.frozen !== undefined && { frozen: input.frozen ? 1 : 0 }),
            ...(input.tags !== undefined && { tags: JSON.stringify(mergeTags(parseJson(table.row.tags, {}), input.tags)) }),
            updatedAt: ctx.now(),
          })
          .where('id', '=', table.row.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      })
      return { table: toTable(row) }
    } catch (error) {
      if (isUniqueViolation(error)) throw invalidPayload(`"keyColumn": the values of column ${JSON.stringify(input.keyColumn)} are not unique across the table's rows`)
      throw error
    }
  },

  async renameTableColumn(input, ctx) {
    const botId = await ctx.botId()
    const dialect = dialectFor(ctx.store.dialect)
    const row = await ctx.store.transaction(async (trx) => {
      const table = await findTable(trx, botId, input.table)
      if (Number(table.row.frozen) === 1) throw frozenError(table)
      if (!table.columnsByName.has(input.name)) throw invalidPayload(`"name": table "${table.row.name}" has no column ${JSON.stringify(input.name)}`)
      checkColumnName(input.newName, '"newName"')
      if (table.columnsByName.has(input.newName)) throw invalidPayload(`"newName": table "${table.row.name}" already has a column ${JSON.stringify(input.newName)}`)
      const properties = Object.fromEntries(Object.entries(table.schema.properties).map(([name, p]) => [name === input.name ? input.newName : name, p]))
      const schema: TableSchema = { ...table.schema, properties }
      if (schema.required) schema.required = schema.required.map((n) => (n === input.name ? input.newName : n))
      const keyColumn = table.row.keyColumn === input.name ? input.newName : table.row.keyColumn
      await (trx as Kysely<any>).updateTable(table.rowsTable).set({ data: dialect.renameKey(input.name, input.newName) }).execute()
      await syncIndexes(trx as Kysely<any>, dialect, table.rowsTable, indexSpecs(table.rowsTable, table.columns, table.row.keyColumn), indexSpecs(table.rowsTable, columnsOf(schema), keyColumn))
      return trx
        .updateTable('tables')
        .set({ schema: JSON.stringify(schema), keyColumn, updatedAt: ctx.now() })
        .where('id', '=', table.row.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { table: toTable(row) }
  },

  async deleteTable(input, ctx) {
    const botId = await ctx.botId()
    const dialect = dialectFor(ctx.store.dialect)
    await ctx.store.transaction(async (trx) => {
      const table = await findTable(trx, botId, input.table)
      await trx.deleteFrom('tables').where('id', '=', table.row.id).execute()
      await dialect.dropRowsTable(trx as Kysely<any>, table.rowsTable)
    })
    return {}
  },

  async duplicateTable(input, ctx) {
    const botId = await ctx.botId()
    const dialect = dialectFor(ctx.store.dialect)
    const source = await findTable(ctx.db, botId, input.sourceTableId)
    const name = input.tableName ?? `${source.row.name}Copy`
    checkTableName(name, 'tableName')
    if (input.factor !== undefined && input.factor < 1) throw invalidPayload('"factor" must be at least 1')
    try {
      await ctx.store.transaction(async (trx) => {
        if (await botTables(trx, botId).where('name', '=', name).executeTakeFirst()) throw tableExists(name)
        const options = { name, schema: source.schema, factor: input.factor ?? Number(source.row.factor), keyColumn: source.row.keyColumn, tags: parseJson(source.row.tags, {}) }
        await insertTable(trx, dialect, botId, options, ctx.now())
        if (!input.schemaOnly) {
          const copy = loaded(await botTables(trx, botId).where('name', '=', name).executeTakeFirstOrThrow())
          await copyRows(trx as Kysely<any>, dialect, source.rowsTable, copy.rowsTable)
        }
      })
    } catch (error) {
      if (isUniqueViolation(error)) throw tableExists(name)
      throw error
    }
    const table = await findTable(ctx.db, botId, name)
    return { table: toTable(table.row), rows: await rowCount(ctx.db, table) }
  },
}
