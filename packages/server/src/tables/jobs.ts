import { Readable } from 'node:stream'
import { gunzipSync, gzipSync } from 'node:zlib'
import { newUlid } from '../ids.js'
import { parse as parseCsv } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import type { RequestContext } from '../context.js'
import { ApiError, invalidPayload } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { BlobStore } from '../files/blobs.js'
import { blobsOf, findFile } from '../files/lookup.js'
import { hasContent } from '../files/model.js'
import { dialectFor } from './dialect.js'
import { findTable, rowData, toJob, toRow, type LoadedTable, type StoredRow } from './models.js'
import { checkSizes, guarded, insertRows } from './rows.js'
import { validateRows, SYSTEM_COLUMNS } from './schema.js'

/**
 * Import and export run while the request waits, and are recorded as jobs (`getTableJobs`) with their
 * status. A job that fails is recorded as failed, and the request answers the reason.
 */

type JobType = 'export' | 'import'

async function runJob(ctx: RequestContext, table: LoadedTable, type: JobType, inputFileId: string | null, work: (jobId: string) => Promise<string | null>) {
  const botId = await ctx.botId()
  const id = newId('job')
  const now = ctx.now()
  await ctx.db.insertInto('tableJobs').values({ id, botId, tableId: table.row.id, type, status: 'in_progress', failureReason: null, inputFileId, outputFileId: null, createdAt: now, updatedAt: now }).execute()
  try {
    const outputFileId = await work(id)
    const row = await ctx.db.updateTable('tableJobs').set({ status: 'completed', outputFileId, updatedAt: ctx.now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    return { job: toJob(row) }
  } catch (error) {
    const reason = error instanceof ApiError ? error.message : 'an internal error occurred'
    await ctx.db.updateTable('tableJobs').set({ status: 'failed', failureReason: reason, updatedAt: ctx.now() }).where('id', '=', id).execute()
    if (error instanceof ApiError) throw new ApiError(error.type, `The ${type} job ${id} failed: ${reason}`)
    throw error
  }
}

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

async function allRows(ctx: RequestContext, table: LoadedTable): Promise<StoredRow[]> {
  return (await (ctx.db as unknown as Kysely<any>).selectFrom(table.rowsTable).select(['id', 'createdAt', 'updatedAt', 'data']).orderBy('id').execute()) as StoredRow[]
}

function exportContent(table: LoadedTable, rows: StoredRow[], format: 'csv' | 'json'): string {
  if (format === 'json') {
    return JSON.stringify({ name: table.row.name, schema: table.schema, rows: rows.map((r) => { const { computed: _c, stale: _s, ...row } = toRow(r); return row }) })
  }
  const header = [...SYSTEM_COLUMNS, ...table.columns.map((c) => c.name)]
  const lines = rows.map((r) => {
    const data = rowData(r)
    return [r.id, r.createdAt, r.updatedAt, ...table.columns.map((c) => data[c.name])].map(csvCell).join(',')
  })
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}

/** Stores `bytes` as a new file of the bot, through the Files section's blob store. */
async function storeFile(ctx: RequestContext, botId: string, key: string, contentType: string, bytes: Buffer): Promise<string> {
  const id = newId('file')
  const uploadId = newUlid()
  const blobName = BlobStore.nameFor(botId, id, uploadId)
  await blobsOf(ctx.services).write(blobName, Readable.from([bytes]))
  const now = ctx.now()
  await ctx.db
    .insertInto('files')
    .values({
      id, botId, key, contentType, size: bytes.length, declaredSize: bytes.length, tags: '{}', metadata: '{}', accessPolicies: '[]', index: 0, indexing: null,
      status: 'upload_completed', failedStatusReason: null, expiresAt: null, owner: JSON.stringify({ type: 'bot', id: botId }), uploadId, uploadUsed: 1, blobName, createdAt: now, updatedAt: now,
    })
    .execute()
  return id
}

/** Values of a CSV cell in the column's type (CSV holds only text). */
function fromCsv(table: LoadedTable, record: Record<string, string>, line: number): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const [name, text] of Object.entries(record)) {
    const column = table.columnsByName.get(name)
    if (!column || text === '') continue
    if (column.kind === 'number') row[name] = Number(text)
    else if (column.kind === 'boolean') row[name] = text === 'true' ? true : text === 'false' ? false : text
    else if (column.kind === 'object' || column.kind === 'array') {
      try {
        row[name] = JSON.parse(text)
      } catch {
        throw invalidPayload(`CSV line ${line}: column "${name}" must hold JSON`)
      }
    } else row[name] = text
  }
  return row
}

function parseImport(table: LoadedTable, bytes: Buffer): Record<string, unknown>[] {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '')
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch (error) {
      throw invalidPayload(`The file is not valid JSON: ${(error as Error).message}`)
    }
    const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown }).rows
    if (!Array.isArray(rows) || !rows.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      throw invalidPayload('A JSON import holds an array of rows, or an object with a "rows" array (as exportTable writes)')
    }
    return rows as Record<string, unknown>[]
  }
  let records: Record<string, string>[]
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[]
  } catch (error) {
    throw invalidPayload(`The file is neither JSON nor valid CSV: ${(error as Error).message}`)
  }
  return records.map((record, i) => fromCsv(table, record, i + 2))
}

export const jobHandlers: PublicHandlers = {
  async exportTable(input, ctx) {
    const botId = await ctx.botId()
    const table = await findTable(ctx.db, botId, input.table)
    const format = input.format ?? 'csv'
    return runJob(ctx, table, 'export', null, async (jobId) => {
      const content = Buffer.from(exportContent(table, await allRows(ctx, table), format))
      const bytes = input.compress ? gzipSync(content) : content
      const key = `tables/${table.row.name}/${jobId}.${format}${input.compress ? '.gz' : ''}`
      return storeFile(ctx, botId, key, input.compress ? 'application/gzip' : format === 'csv' ? 'text/csv' : 'application/json', bytes)
    })
  },

  async importTable(input, ctx) {
    const botId = await ctx.botId()
    const table = await findTable(ctx.db, botId, input.table)
    return runJob(ctx, table, 'import', input.fileId, async () => {
      const file = await findFile(ctx.services, botId, input.fileId)
      if (!hasContent(file)) throw invalidPayload(`File "${input.fileId}" has no content yet (status ${file.status}): upload it first`)
      const given = parseImport(table, await blobsOf(ctx.services).readAll(file.blobName!))
      const label = (i: number) => `Imported row ${i + 1}`
      const { data } = validateRows(table.schema, given, label)
      checkSizes(table, data, label)
      const now = ctx.now()
      await guarded(table, () => ctx.store.transaction((trx) => insertRows(trx, dialectFor(ctx.store.dialect), table, data, now)))
      return null
    })
  },

  async getTableJobs(input, ctx) {
    const botId = await ctx.botId()
    const table = await findTable(ctx.db, botId, input.table)
    const rows = await ctx.db.selectFrom('tableJobs').selectAll().where('tableId', '=', table.row.id).orderBy('createdAt', 'desc').orderBy('id', 'desc').execute()
    return { jobs: rows.map(toJob) }
  },
}
