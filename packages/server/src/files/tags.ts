import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { paginate } from '../store/pagination.js'
import type { Db } from '../store/store.js'
import { notExpired } from './lookup.js'

/** Keeps the `fileTags` rows of a file equal to its tags (call inside the transaction that writes the file). */
export async function writeFileTags(db: Db, file: { id: string; botId: string }, tags: Record<string, string>): Promise<void> {
  await db.deleteFrom('fileTags').where('fileId', '=', file.id).execute()
  const rows = Object.entries(tags).map(([name, value]) => ({ fileId: file.id, botId: file.botId, name, value }))
  if (rows.length) await db.insertInto('fileTags').values(rows).execute()
}

/** The tags of the bot's files that have not expired. */
const liveTags = (ctx: RequestContext, botId: string) =>
  ctx.db.selectFrom('fileTags').innerJoin('files', 'files.id', 'fileTags.fileId').where('fileTags.botId', '=', botId).where(notExpired(ctx.now()))

export const tagHandlers: PublicHandlers = {
  async listFileTags(input, ctx) {
    const botId = await ctx.botId()
    const query = liveTags(ctx, botId).select('fileTags.name').distinct()
    const page = await paginate(query, { sortColumn: 'fileTags.name', idColumn: 'fileTags.name', direction: 'asc', nextToken: input.nextToken })
    return { tags: page.items.map((r) => r.name), meta: page.meta }
  },

  async listFileTagValues(input, ctx) {
    const botId = await ctx.botId()
    const query = liveTags(ctx, botId).select('fileTags.value').distinct().where('fileTags.name', '=', input.tag)
    const page = await paginate(query, { sortColumn: 'fileTags.value', idColumn: 'fileTags.value', direction: 'asc', nextToken: input.nextToken })
    return { values: page.items.map((r) => r.value), meta: page.meta }
  },
}
