import type { PublicApi } from '@bpkit/spec'
import type { Selectable } from 'kysely'
import { invalidPayload } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { paginate } from '../store/pagination.js'
import type { Db } from '../store/store.js'
import type { Block } from './indexing/index.js'
import { findFile } from './lookup.js'
import { hasContent } from './model.js'
import type { FilesTables } from './tables.js'

export type PassageRow = Selectable<FilesTables['filePassages']>
export type PassageMeta = PublicApi.ListFilePassagesResponse['passages'][number]['meta']

const INSERT_BATCH = 500
const MAX_PAGE = 200

export const passageMeta = (p: Pick<PassageRow, 'subtype' | 'position' | 'pageNumber'>): PassageMeta => ({
  type: 'chunk',
  ...(p.subtype && { subtype: p.subtype as PassageMeta['subtype'] }),
  position: p.position,
  ...(p.pageNumber !== null && { pageNumber: p.pageNumber }),
})

/** Replaces a file's passages with `blocks`, numbered in order (call inside a transaction). */
export async function replacePassages(db: Db, file: { id: string; botId: string }, blocks: Block[]): Promise<void> {
  await db.deleteFrom('filePassages').where('fileId', '=', file.id).execute()
  const rows = blocks.map((b, position) => ({
    id: newId('passage'),
    fileId: file.id,
    botId: file.botId,
    position,
    content: b.content,
    subtype: b.subtype ?? null,
    pageNumber: b.pageNumber ?? null,
  }))
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await db.insertInto('filePassages').values(rows.slice(i, i + INSERT_BATCH)).execute()
}

export const passageHandlers: PublicHandlers = {
  async listFilePassages(input, ctx) {
    const file = await findFile(ctx.services, await ctx.botId(), input.id)
    const limit = input.limit ?? 20
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidPayload(`Invalid query: "limit" must be between 1 and ${MAX_PAGE}`)
    const query = ctx.db.selectFrom('filePassages').select(['id', 'position', 'content', 'subtype', 'pageNumber']).where('fileId', '=', file.id)
    const page = await paginate(query, { sortColumn: 'position', direction: 'asc', nextToken: input.nextToken, pageSize: limit })
    return { passages: page.items.map((p) => ({ id: p.id, content: p.content, meta: passageMeta(p) })), meta: page.meta }
  },

  /** Replaces the passages search reads for this file; the file is then indexed (`indexing_completed`). */
  async setFilePassages(input, ctx) {
    const file = await findFile(ctx.services, await ctx.botId(), input.id)
    if (!hasContent(file)) throw invalidPayload(`File "${input.id}" has no content yet (status ${file.status}): upload it before setting its passages`)
    input.passages.forEach((p, i) => {
      if (!p.content.trim()) throw invalidPayload(`Invalid body: "passages.${i}.content" must not be empty`)
    })
    await ctx.store.transaction(async (trx) => {
      await replacePassages(
        trx,
        file,
        input.passages.map((p) => ({ content: p.content, subtype: p.type ?? 'paragraph', pageNumber: p.pageNumber })),
      )
      await trx
        .updateTable('files')
        .set({ index: 1, status: 'indexing_completed', failedStatusReason: null, updatedAt: ctx.now() })
        .where('id', '=', file.id)
        .execute()
    })
    return {}
  },
}
