import type { Services } from '../context.js'
import { parseJson } from '../store/json.js'
import { extractPassages, IndexingError, type IndexingConfiguration } from './indexing/index.js'
import { blobsOf } from './lookup.js'
import { replacePassages } from './passages.js'

/** Files bigger than this are not indexed (Botpress Cloud's limit too). */
export const MAX_INDEXED_SIZE = 95 * 1024 * 1024

class Superseded extends Error {}

/**
 * Indexes one uploaded content version of a file (`indexing_pending` → `indexing_completed` or
 * `indexing_failed`). Every write names the version, so a file replaced meanwhile is left alone.
 */
export async function indexFile(services: Services, fileId: string, version: string): Promise<void> {
  const { db } = services.store
  const row = await db.selectFrom('files').selectAll().where('id', '=', fileId).where('uploadId', '=', version).where('status', '=', 'indexing_pending').executeTakeFirst()
  if (!row?.blobName) return
  const settle = (status: 'indexing_completed' | 'indexing_failed', failedStatusReason: string | null) =>
    ({ status, failedStatusReason, updatedAt: services.clock.now().toISOString() })
  try {
    if (Number(row.size) > MAX_INDEXED_SIZE) throw new IndexingError(`Files larger than ${MAX_INDEXED_SIZE} bytes cannot be indexed`)
    const bytes = await blobsOf(services).readAll(row.blobName)
    const blocks = await extractPassages(bytes, row.contentType, row.key, parseJson<IndexingConfiguration>(row.indexing, {}))
    await services.store.transaction(async (trx) => {
      await replacePassages(trx, row, blocks)
      const done = await trx.updateTable('files').set(settle('indexing_completed', null)).where('id', '=', fileId).where('uploadId', '=', version).executeTakeFirst()
      if (Number(done.numUpdatedRows) === 0) throw new Superseded()
    })
  } catch (error) {
    if (error instanceof Superseded) return
    const reason = error instanceof IndexingError ? error.message : `Indexing failed: ${(error as Error).message}`
    await db.updateTable('files').set(settle('indexing_failed', reason)).where('id', '=', fileId).where('uploadId', '=', version).execute()
  }
}
