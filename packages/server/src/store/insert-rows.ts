import type { Kysely } from 'kysely'
import { prepared } from './prepared.js'
import type { Db } from './store.js'

/** Rows per statement, largest first: every batch is written with statements of these few shapes only. */
const CHUNK_SIZES = [100, 10, 1]

type Row = Record<string, unknown>
type Insert = ReturnType<typeof chunkInsert>

const inserts = new Map<string, Insert>()

function chunkInsert(table: string, columns: string[], size: number) {
  return prepared<Row, unknown>((db, p) =>
    (db as unknown as Kysely<Record<string, Row>>)
      .insertInto(table)
      .values(Array.from({ length: size }, (_, i) => Object.fromEntries(columns.map((column) => [column, p[`${column}_${i}`]])))),
  )
}

/**
 * Inserts a batch of rows, all with the same columns, in few statements whose SQL is compiled and prepared
 * once: a multi-row insert of every batch size would be a new statement each time (a 500-row insert has
 * 4,000 parameters to prepare), and one insert per row costs PostgreSQL a round trip each.
 */
export async function insertRows(db: Db, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return
  const columns = Object.keys(rows[0]!)
  let offset = 0
  for (const size of CHUNK_SIZES) {
    const key = `${table}(${columns.join(',')})×${size}`
    while (rows.length - offset >= size) {
      let insert = inserts.get(key)
      if (!insert) inserts.set(key, (insert = chunkInsert(table, columns, size)))
      const params: Row = {}
      for (let i = 0; i < size; i++) for (const column of columns) params[`${column}_${i}`] = rows[offset + i]![column]
      await insert(db, params)
      offset += size
    }
  }
}
