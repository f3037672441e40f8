import type { Selectable } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import { notFound } from '../errors.js'
import { parseJson } from '../store/json.js'
import type { Db } from '../store/store.js'
import { columnsOf, parseSchema, type Column, type TableSchema } from './schema.js'
import { rowsTableOf } from './storage.js'
import type { TablesTables } from './tables.js'

export type TableRow = Selectable<TablesTables['tables']>
export type JobRow = Selectable<TablesTables['tableJobs']>

/** A table as the handlers work with it: its stored row, parsed schema, columns and rows table. */
export type LoadedTable = {
  row: TableRow
  schema: TableSchema
  columns: Column[]
  columnsByName: Map<string, Column>
  rowsTable: string
}

export function loaded(row: TableRow): LoadedTable {
  const schema = parseSchema(row.schema)
  const columns = columnsOf(schema)
  return { row, schema, columns, columnsByName: new Map(columns.map((c) => [c.name, c])), rowsTable: rowsTableOf(row.id) }
}

/** The bot's table named by id or by name (the `table` path parameter takes either). */
export async function findTable(db: Db, botId: string, ref: string): Promise<LoadedTable> {
  const row = await db
    .selectFrom('tables')
    .selectAll()
    .where('botId', '=', botId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .orderBy('id')
    .executeTakeFirst()
  if (!row) throw notFound('Table', ref)
  return loaded(row)
}

export function toTable(row: TableRow): PublicApi.Table {
  return {
    id: row.id,
    name: row.name,
    factor: Number(row.factor),
    frozen: Number(row.frozen) === 1,
    keyColumn: row.keyColumn,
    schema: parseSchema(row.schema),
    tags: parseJson(row.tags, {}),
    isComputeEnabled: false,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export function toJob(row: JobRow) {
  return {
    id: row.id,
    botId: row.botId,
    tableId: row.tableId,
    type: row.type as 'export' | 'import',
    status: row.status as 'completed' | 'failed' | 'in_progress',
    progress: row.status === 'completed' ? 1 : 0,
    inputFileId: row.inputFileId,
    outputFileId: row.outputFileId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** A stored row of a rows table. `data` is JSON text on SQLite and already parsed jsonb on PostgreSQL. */
export type StoredRow = { id: number | string; createdAt: string; updatedAt: string; data: string | Record<string, unknown> }

export const rowData = (stored: StoredRow): Record<string, unknown> =>
  typeof stored.data === 'string' ? (JSON.parse(stored.data) as Record<string, unknown>) : stored.data

/** The API's row: its columns, then the system columns the server keeps. */
export function toRow(stored: StoredRow, data = rowData(stored)): PublicApi.Row {
  return { ...data, id: Number(stored.id), createdAt: stored.createdAt, updatedAt: stored.updatedAt, computed: {}, stale: [] }
}
