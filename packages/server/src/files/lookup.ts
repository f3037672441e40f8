import { sql, type Expression, type SqlBool } from 'kysely'
import type { Services } from '../context.js'
import { notFound } from '../errors.js'
import type { Db } from '../store/store.js'
import { BlobStore } from './blobs.js'
import type { FileRow } from './model.js'

export const blobsOf = (services: Services) => new BlobStore(services.config.dataDir)

export const isExpired = (row: Pick<FileRow, 'expiresAt'>, now: string) => row.expiresAt !== null && row.expiresAt <= now

/** Files that have not expired yet (an expired file is gone even before the sweep deletes it). */
export const notExpired = (now: string, column = 'files.expiresAt'): Expression<SqlBool> =>
  sql<SqlBool>`(${sql.ref(column)} is null or ${sql.ref(column)} > ${now})`

/** Deletes files, their passages and tags (by cascade), then their bytes. */
export async function removeFiles(services: Services, rows: Pick<FileRow, 'id' | 'blobName'>[], db: Db = services.store.db): Promise<void> {
  if (!rows.length) return
  await db.deleteFrom('files').where('id', 'in', rows.map((r) => r.id)).execute()
  const blobs = blobsOf(services)
  await Promise.all(rows.map((r) => blobs.remove(r.blobName)))
}

/**
 * The bot's file named by `idOrKey` (an id wins over a key that happens to be equal). An expired file is
 * deleted, bytes included, and reads as missing.
 */
export async function findFile(services: Services, botId: string, idOrKey: string): Promise<FileRow> {
  const rows = await services.store.db
    .selectFrom('files')
    .selectAll()
    .where('botId', '=', botId)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .limit(2)
    .execute()
  const row = rows.find((r) => r.id === idOrKey) ?? rows[0]
  if (!row) throw notFound('File', idOrKey)
  if (isExpired(row, services.clock.now().toISOString())) {
    await removeFiles(services, [row])
    throw notFound('File', idOrKey)
  }
  return row
}
