import { newUlid } from '../ids.js'
import type { RequestContext } from '../context.js'
import { alreadyExists, forbidden, invalidPayload, notFound } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { BlobStore } from './blobs.js'
import { ownerOf } from './file-handlers.js'
import { requireKey } from './inputs.js'
import { blobsOf, findFile } from './lookup.js'
import { hasContent, toFile, type FileModel } from './model.js'
import { replacePassages } from './passages.js'
import { writeFileTags } from './tags.js'
import { fileUrls } from './urls.js'

/** The bot a copy lands in: the source's own, or another bot of the same workspace (`x-destination-bot-id`). */
async function destinationBot(ctx: RequestContext, sourceBotId: string, requested: string | undefined): Promise<string> {
  if (!requested || requested === sourceBotId) return sourceBotId
  const bots = await ctx.db.selectFrom('bots').select(['id', 'workspaceId']).where('id', 'in', [sourceBotId, requested]).execute()
  const source = bots.find((b) => b.id === sourceBotId)
  const destination = bots.find((b) => b.id === requested)
  if (!source || !destination || destination.workspaceId !== source.workspaceId) throw notFound('Bot', requested)
  return requested
}

export const copyHandlers: PublicHandlers = {
  /** Copies the file's bytes, tags, metadata and passages under a new key, replacing an existing file only with `overwrite`. */
  async copyFile(input, ctx) {
    const sourceBotId = await ctx.botId()
    const source = await findFile(ctx.services, sourceBotId, input.idOrKey)
    if (!hasContent(source)) throw invalidPayload(`File "${input.idOrKey}" has no content to copy yet (status ${source.status})`)
    const botId = await destinationBot(ctx, sourceBotId, input['x-destination-bot-id'])
    const key = requireKey(input.destinationKey)
    const now = ctx.now()
    const id = newId('file')
    const uploadId = newUlid()
    const blobName = BlobStore.nameFor(botId, id, uploadId)
    const blobs = blobsOf(ctx.services)
    await blobs.copy(source.blobName!, blobName)
    try {
      const { row, replaced } = await ctx.store.transaction(async (trx) => {
        const existing = await trx.selectFrom('files').select(['id', 'blobName', 'owner']).where('botId', '=', botId).where('key', '=', key).executeTakeFirst()
        if (existing) {
          if (!input.overwrite) throw alreadyExists(`A file with key "${key}" already exists in bot "${botId}": pass overwrite: true to replace it`)
          const owner = parseJson<FileModel['owner']>(existing.owner, { type: 'bot' })
          if (ctx.principal.kind === 'bot' && !(owner.type === 'bot' && owner.id === ctx.principal.botId)) {
            throw forbidden(`File "${key}" was not created by this bot, so a bot key cannot overwrite it`)
          }
          await trx.deleteFrom('files').where('id', '=', existing.id).execute()
        }
        await trx
          .insertInto('files')
          .values({ ...source, id, botId, key, owner: JSON.stringify(ownerOf(ctx, sourceBotId)), uploadId, uploadUsed: 1, blobName, createdAt: now, updatedAt: now })
          .execute()
        const row = await trx.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
        await writeFileTags(trx, row, parseJson(row.tags, {}))
        const passages = await trx.selectFrom('filePassages').selectAll().where('fileId', '=', source.id).orderBy('position').execute()
        await replacePassages(trx, row, passages.map((p) => ({ content: p.content, subtype: (p.subtype ?? 'paragraph') as 'paragraph', pageNumber: p.pageNumber ?? undefined })))
        return { row, replaced: existing }
      })
      await blobs.remove(replaced?.blobName)
      return { file: toFile(row, await fileUrls(ctx.services)) }
    } catch (error) {
      await blobs.remove(blobName)
      throw error
    }
  },
}
