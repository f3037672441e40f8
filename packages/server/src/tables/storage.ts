import { sql, type Kysely } from 'kysely'
import { scalarKind, type TablesDialect } from './dialect.js'
import type { Column } from './schema.js'

/**
 * Each Botpress table keeps its rows in a SQL table of its own, `t_<ULID>` (the ULID of its id), with
 * `id` (integer, per table, never reused), `createdAt`, `updatedAt`, `data` (the row's columns as JSON)
 * and `search` (the words of its searchable columns, indexed for full-text search). Every scalar column
 * has an expression index on its typed reader, so filters, ranges and sorts on it use an index.
 */
export const rowsTableOf = (tableId: string) => `t_${tableId.slice(tableId.indexOf('_') + 1)}`
const ROWS_TABLE = /^t_[0-9A-HJKMNP-TV-Z]{26}$/

export type IndexSpec = { name: string; column: string; kind: Column['kind']; unique: boolean }

/** The indexes a table's rows table should have: one per scalar column, and a unique one on the key column. */
export function indexSpecs(rowsTable: string, columns: Column[], keyColumn: string | null): IndexSpec[] {
  const specs: IndexSpec[] = []
  for (const c of columns) {
    if (!scalarKind(c.kind)) continue
    specs.push({ name: `${rowsTable}_c_${c.name}`, column: c.name, kind: c.kind, unique: false })
    if (c.name === keyColumn) specs.push({ name: `${rowsTable}_u_${c.name}`, column: c.name, kind: c.kind, unique: true })
  }
  return specs
}

const specKey = (s: IndexSpec) => `${s.name}:${s.kind}`

/** Drops the indexes that no longer fit and creates the missing ones. */
export async function syncIndexes(db: Kysely<any>, dialect: TablesDialect, rowsTable: string, before: IndexSpec[], after: IndexSpec[]) {
  const wanted = new Set(after.map(specKey))
  const existing = new Set(before.map(specKey))
  for (const spec of before) if (!wanted.has(specKey(spec))) await dialect.dropIndex(db, spec.name)
  for (const spec of after) {
    if (!existing.has(specKey(spec))) await dialect.createColumnIndex(db, rowsTable, spec.name, spec.column, spec.kind, spec.unique)
  }
}

export async function createRowsTable(db: Kysely<any>, dialect: TablesDialect, rowsTable: string, columns: Column[], keyColumn: string | null) {
  await dialect.createRowsTable(db, rowsTable)
  await syncIndexes(db, dialect, rowsTable, [], indexSpecs(rowsTable, columns, keyColumn))
}

/** Copies every row (ids included) from one rows table to another. */
export async function copyRows(db: Kysely<any>, dialect: TablesDialect, from: string, to: string) {
  await sql`INSERT INTO ${sql.table(to)} ("id", "createdAt", "updatedAt", "data", "search") SELECT "id", "createdAt", "updatedAt", "data", "search" FROM ${sql.table(from)}`.execute(db)
  await dialect.afterCopy(db, to)
}

/** Drops rows tables whose table is gone (a deleted bot takes its tables' definitions with it by cascade). */
export async function dropOrphanRowsTables(db: Kysely<any>, dialect: TablesDialect): Promise<number> {
  const rowsTables = (await dialect.listTables(db)).filter((name) => ROWS_TABLE.test(name))
  if (!rowsTables.length) return 0
  const live = new Set((await db.selectFrom('tables').select('id').execute()).map((t: { id: string }) => rowsTableOf(t.id)))
  const orphans = rowsTables.filter((name) => !live.has(name))
  for (const name of orphans) await dialect.dropRowsTable(db, name)
  return orphans.length
}
