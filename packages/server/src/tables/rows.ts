import { sql, type Kysely } from 'kysely'
import { ApiError, invalidPayload, notFound } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import type { Db } from '../store/store.js'
import { dialectFor, isUniqueViolation, queryErrorMessage, scalarKind, type TablesDialect } from './dialect.js'
import type { RequestContext } from '../context.js'
import { invalidQuery, type FilterLimits } from './filter.js'
import { findTable, rowData, toRow, type LoadedTable, type StoredRow } from './models.js'
import { findRows, whereOf } from './query.js'
import { validateRows, type RowLabel } from './schema.js'
import { searchText } from './search.js'

const ROW_BYTES_PER_FACTOR = 4096
const CHUNK = 500

type Data = Record<string, unknown>

export function checkSizes(table: LoadedTable, rows: Data[], label: RowLabel) {
  const limit = ROW_BYTES_PER_FACTOR * Number(table.row.factor)
  rows.forEach((data, i) => {
    const size = Buffer.byteLength(JSON.stringify(data))
    if (size > limit) throw invalidPayload(`${label(i)}: the row holds ${size} bytes; this table's rows hold at most ${limit} (4 KB × factor ${table.row.factor})`)
  })
}

function ignoredWarning(ignored: Set<string>): { warnings?: string[] } {
  return ignored.size ? { warnings: [`Ignored values of columns the table does not have: ${[...ignored].map((c) => `"${c}"`).join(', ')}`] } : {}
}

/** Runs a write, turning a key-column conflict into a client error rather than a failure. */
export async function guarded<T>(table: LoadedTable, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError('AlreadyExists', `A row with the same "${table.row.keyColumn}" already exists: it is the table's key column, whose values are unique`)
    }
    const message = queryErrorMessage(error)
    if (message) throw invalidQuery(message)
    throw error
  }
}

/** Inserts rows in one statement per chunk and returns them with their new ids, in the order given. */
export async function insertRows(db: Db, dialect: TablesDialect, table: LoadedTable, rows: Data[], now: string): Promise<StoredRow[]> {
  const out: StoredRow[] = []
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK)
    const inserted = await (db as Kysely<any>)
      .insertInto(table.rowsTable)
      .values(chunk.map((data) => ({ createdAt: now, updatedAt: now, data: dialect.dataValue(data), search: searchText(data, table.columns) })))
      .returning('id')
      .execute()
    // Ids are handed out in the order of the VALUES list; RETURNING's own order is not promised.
    const ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b)
    chunk.forEach((data, i) => out.push({ id: ids[i]!, createdAt: now, updatedAt: now, data }))
  }
  return out
}

async function updateRow(db: Db, dialect: TablesDialect, table: LoadedTable, id: number, data: Data, now: string) {
  await (db as Kysely<any>)
    .updateTable(table.rowsTable)
    .set({ data: dialect.dataValue(data), search: searchText(data, table.columns), updatedAt: now })
    .where('id', '=', id)
    .execute()
}

async function rowsByIds(db: Db, table: LoadedTable, ids: number[]): Promise<Map<number, StoredRow>> {
  const found = new Map<number, StoredRow>()
  const unique = [...new Set(ids)]
  for (let start = 0; start < unique.length; start += CHUNK) {
    const rows = (await (db as Kysely<any>)
      .selectFrom(table.rowsTable)
      .select(['id', 'createdAt', 'updatedAt', 'data'])
      .where('id', 'in', unique.slice(start, start + CHUNK))
      .execute()) as StoredRow[]
    for (const row of rows) found.set(Number(row.id), row)
  }
  return found
}

const rowLabel = (rows: { id?: unknown }[]): RowLabel => (i) => (typeof rows[i]?.id === 'number' ? `Row ${rows[i]!.id} (rows[${i}])` : `rows[${i}]`)

async function tableFor(ctx: Parameters<NonNullable<PublicHandlers['getTableRow']>>[1], ref: string, db: Db = ctx.db) {
  return findTable(db, await ctx.botId(), ref)
}

export const rowHandlers: PublicHandlers = {
  async getTableRow(input, ctx) {
    const table = await tableFor(ctx, input.table)
    const stored = (await ctx.db
      .selectFrom(table.rowsTable as any)
      .select(['id', 'createdAt', 'updatedAt', 'data'] as any)
      .where('id' as any, '=', input.id)
      .executeTakeFirst()) as StoredRow | undefined
    if (!stored) throw notFound(`Row of table "${table.row.name}"`, String(input.id))
    return { row: toRow(stored) }
  },

  async createTableRows(input, ctx) {
    const dialect = dialectFor(ctx.store.dialect)
    const table = await tableFor(ctx, input.table)
    const label = rowLabel([])
    const { data, ignored } = validateRows(table.schema, input.rows, label)
    checkSizes(table, data, label)
    const now = ctx.now()
    const stored = await guarded(table, () => ctx.store.transaction((trx) => insertRows(trx, dialect, table, data, now)))
    return { rows: stored.map((s) => toRow(s)), ...ignoredWarning(ignored) }
  },

  async updateTableRows(input, ctx) {
    const dialect = dialectFor(ctx.store.dialect)
    const now = ctx.now()
    const botId = await ctx.botId()
    return guarded(await findTable(ctx.db, botId, input.table), () =>
      ctx.store.transaction(async (trx) => {
        const table = await findTable(trx, botId, input.table)
        const existing = await rowsByIds(trx, table, input.rows.map((r) => r.id))
        const merged = new Map<number, Data>()
        const patched = input.rows.map((patch) => {
          const current = existing.get(patch.id)
          if (!current) throw notFound(`Row of table "${table.row.name}"`, String(patch.id))
          const { id: _id, ...changes } = patch
          const next = { ...(merged.get(patch.id) ?? rowData(current)), ...changes }
          merged.set(patch.id, next)
          return next
        })
        const label = rowLabel(input.rows)
        const { data, ignored } = validateRows(table.schema, patched, label)
        checkSizes(table, data, label)
        const final = new Map<number, Data>()
        input.rows.forEach((r, i) => final.set(r.id, data[i]!))
        for (const [id, row] of final) await updateRow(trx, dialect, table, id, row, now)
        const rows = [...final].map(([id, row]) => toRow({ ...existing.get(id)!, updatedAt: now, data: row }))
        return { rows, ...ignoredWarning(ignored) }
      }),
    )
  },

  async upsertTableRows(input, ctx) {
    const dialect = dialectFor(ctx.store.dialect)
    const now = ctx.now()
    const botId = await ctx.botId()
    const keyColumn = input.keyColumn ?? 'id'
    return guarded(await findTable(ctx.db, botId, input.table), () =>
      ctx.store.transaction(async (trx) => {
        const table = await findTable(trx, botId, input.table)
        const key = keyColumn === 'id' ? undefined : table.columnsByName.get(keyColumn)
        const keyKind = key && scalarKind(key.kind)
        if (keyColumn !== 'id' && (!key || !keyKind || keyKind === 'boolean')) {
          throw invalidPayload(`"keyColumn": ${JSON.stringify(keyColumn)} is not "id" or a string, number or date column of table "${table.row.name}"`)
        }
        const label = rowLabel(input.rows)
        // Each row is checked on its own first (an update's merged row is checked again below).
        const { data: given, ignored } = validateRows({ ...table.schema, required: [] }, input.rows, label)
        const inserted: StoredRow[] = []
        const updated = new Map<number, StoredRow>()
        for (const [i, row] of input.rows.entries()) {
          const { id: _id, ...changes } = row
          const matches = await upsertTargets(trx, dialect, table, keyColumn, { ...given[i], id: row.id }, i)
          if (!matches.length) {
            const { data } = validateRows(table.schema, [changes], () => label(i))
            checkSizes(table, data, () => label(i))
            inserted.push(...(await insertRows(trx, dialect, table, data, now)))
            continue
          }
          for (const current of matches) {
            const { data } = validateRows(table.schema, [{ ...rowData(current), ...changes }], () => label(i))
            checkSizes(table, data, () => label(i))
            await updateRow(trx, dialect, table, Number(current.id), data[0]!, now)
            updated.set(Number(current.id), { ...current, updatedAt: now, data: data[0]! })
          }
        }
        // A row inserted and then updated by a later row of the request is reported once, as inserted.
        const insertedIds = new Set(inserted.map((r) => Number(r.id)))
        const insertedRows = inserted.map((r) => toRow(updated.get(Number(r.id)) ?? r))
        const updatedRows = [...updated.values()].filter((r) => !insertedIds.has(Number(r.id))).map((r) => toRow(r))
        return { inserted: insertedRows, updated: updatedRows, ...ignoredWarning(ignored) }
      }),
    )
  },

  async deleteTableRows(input, ctx) {
    const dialect = dialectFor(ctx.store.dialect)
    const table = await tableFor(ctx, input.table)
    const modes = [input.ids !== undefined, input.filter !== undefined, input.deleteAllRows === true].filter(Boolean).length
    if (modes !== 1) throw invalidPayload('deleteTableRows takes exactly one of "ids", "filter" or "deleteAllRows": true')
    const db = ctx.db as unknown as Kysely<any>
    let deleted = 0
    if (input.ids) {
      await ctx.store.transaction(async (trx) => {
        for (let start = 0; start < input.ids!.length; start += CHUNK) {
          const result = await (trx as Kysely<any>).deleteFrom(table.rowsTable).where('id', 'in', input.ids!.slice(start, start + CHUNK)).executeTakeFirst()
          deleted += Number(result.numDeletedRows)
        }
      })
    } else {
      const where = input.filter !== undefined ? whereOf(dialect, table, input.filter, filterLimits(ctx)) : sql<boolean>`(1 = 1)`
      const result = await guarded(table, () => db.deleteFrom(table.rowsTable).where(where).executeTakeFirst())
      deleted = Number(result.numDeletedRows)
    }
    return { deletedRows: deleted }
  },

  async findTableRows(input, ctx) {
    const table = await tableFor(ctx, input.table)
    return guarded(table, () => findRows(ctx.db, dialectFor(ctx.store.dialect), table, input, filterLimits(ctx)))
  },
}

const filterLimits = (ctx: RequestContext): FilterLimits => ({ maxDepth: ctx.services.config.maxFilterDepth })

/** The rows an upsert row updates: the row with its `id`, or those with its key column's value. */
async function upsertTargets(db: Db, dialect: TablesDialect, table: LoadedTable, keyColumn: string, row: Data, index: number): Promise<StoredRow[]> {
  const q = (db as Kysely<any>).selectFrom(table.rowsTable).select(['id', 'createdAt', 'updatedAt', 'data'])
  if (keyColumn === 'id') {
    if (row.id === undefined) return []
    if (!Number.isInteger(row.id)) throw invalidPayload(`rows[${index}]: "id" must be an integer`)
    return (await q.where('id', '=', row.id as number).execute()) as StoredRow[]
  }
  const value = row[keyColumn]
  if (value === undefined || value === null) throw invalidPayload(`rows[${index}]: the key column "${keyColumn}" needs a value`)
  const kind = scalarKind(table.columnsByName.get(keyColumn)!.kind)!
  const expr = dialect.typed({ column: keyColumn, sub: [] }, kind)
  return (await q.where(dialect.compare(expr, kind, '=', value as string | number)).orderBy('id').execute()) as StoredRow[]
}
