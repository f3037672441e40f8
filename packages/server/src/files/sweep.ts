import type { Services } from '../context.js'
import { indexFile } from './indexer.js'
import { blobsOf, removeFiles } from './lookup.js'

const BATCH = 500
/** An indexing still pending after this long was cut short (the process stopped): run it again. */
const STUCK_INDEXING_MS = 10 * 60 * 1000
/** Temporary upload files older than this belong to no upload in flight. */
const STALE_TMP_MS = 6 * 60 * 60 * 1000

/** Housekeeping: deletes expired files (bytes included), resumes interrupted indexing, collects orphaned bytes. */
export async function sweepFiles(services: Services): Promise<void> {
  const { db } = services.store
  const now = services.clock.now()
  for (;;) {
    const expired = await db.selectFrom('files').select(['id', 'blobName']).where('expiresAt', '<=', now.toISOString()).limit(BATCH).execute()
    await removeFiles(services, expired)
    if (expired.length < BATCH) break
  }
  const stuck = await db
    .selectFrom('files')
    .select(['id', 'uploadId'])
    .where('status', '=', 'indexing_pending')
    .where('updatedAt', '<', new Date(now.getTime() - STUCK_INDEXING_MS).toISOString())
    .limit(BATCH)
    .execute()
  for (const file of stuck) await indexFile(services, file.id, file.uploadId)
  await blobsOf(services).collectGarbage(
    async (botIds) => new Set((await db.selectFrom('bots').select('id').where('id', 'in', botIds).execute()).map((b) => b.id)),
    STALE_TMP_MS,
    now.getTime(),
  )
}
