import { newUlid } from '../ids.js'
import type { RequestContext } from '../context.js'
import { ApiError, invalidPayload } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { contentTypeFor, mergePatch, objectField, parseExpiresAt, requireKey } from './inputs.js'
import { blobsOf, findFile, notExpired, removeFiles } from './lookup.js'
import { toFile, toUploadableFile, type FileModel } from './model.js'
import { tagFilterCondition, parseTagFilter } from './tag-filter.js'
import { writeFileTags } from './tags.js'
import { fileUrls } from './urls.js'

/** Who created a file, as the File model's `owner` says it. */
export function ownerOf(ctx: RequestContext, botId: string): FileModel['owner'] {
  const p = ctx.principal
  return p.kind === 'integration' ? { type: 'integration', name: p.integrationId } : { type: 'bot', id: botId }
}

export function checkSizeLimit(ctx: RequestContext, size: number) {
  const limit = ctx.services.config.fileSizeLimit
  if (size > limit) throw new ApiError('PayloadTooLarge', `File size ${size} exceeds this server's limit of ${limit} bytes (BPKIT_FILE_SIZE_LIMIT)`)
}

const sortColumns = { key: 'key', size: 'declaredSize', createdAt: 'createdAt', updatedAt: 'updatedAt', status: 'status' } as const

export const fileHandlers: PublicHandlers = {
  /** Creates the file, or replaces the bot's file with the same key (same id, new content to upload). */
  async upsertFile(input, ctx) {
    const botId = await ctx.botId()
    const key = requireKey(input.key)
    if (!Number.isSafeInteger(input.size) || input.size < 0) throw invalidPayload('Invalid body: "size" must be a non-negative integer')
    checkSizeLimit(ctx, input.size)
    const now = ctx.now()
    const tags = input.tags ?? {}
    const fields = {
      contentType: contentTypeFor(key, input.contentType),
      size: null,
      declaredSize: input.size,
      tags: JSON.stringify(tags),
      metadata: JSON.stringify(objectField(input.metadata, 'metadata')),
      accessPolicies: JSON.stringify([...new Set(input.accessPolicies ?? [])]),
      index: input.index ? 1 : 0,
      indexing: input.indexing ? JSON.stringify(input.indexing.configuration ?? {}) : null,
      status: 'upload_pending',
      failedStatusReason: null,
      expiresAt: input.expiresAt === undefined ? null : parseExpiresAt(input.expiresAt, ctx.services.clock.now()),
      owner: JSON.stringify(ownerOf(ctx, botId)),
      uploadId: newUlid(),
      uploadUsed: 0,
      blobName: null,
      updatedAt: now,
    }
    const { row, previousBlob } = await ctx.store.transaction(async (trx) => {
      const previous = await trx.selectFrom('files').select(['id', 'blobName']).where('botId', '=', botId).where('key', '=', key).executeTakeFirst()
      await trx
        .insertInto('files')
        .values({ id: newId('file'), botId, key, createdAt: now, ...fields })
        .onConflict((oc) => oc.columns(['botId', 'key']).doUpdateSet(fields))
        .execute()
      const row = await trx.selectFrom('files').selectAll().where('botId', '=', botId).where('key', '=', key).executeTakeFirstOrThrow()
      await trx.deleteFrom('filePassages').where('fileId', '=', row.id).execute()
      await writeFileTags(trx, row, tags)
      return { row, previousBlob: previous?.blobName }
    })
    await blobsOf(ctx.services).remove(previousBlob)
    return { file: toUploadableFile(row, await fileUrls(ctx.services)) }
  },

  async getFile(input, ctx) {
    const row = await findFile(ctx.services, await ctx.botId(), input.id)
    return { file: toFile(row, await fileUrls(ctx.services)) }
  },

  /** Merges metadata and tags (a `null` value deletes its key); replaces access policies; sets or clears `expiresAt`. */
  async updateFileMetadata(input, ctx) {
    const botId = await ctx.botId()
    const row = await findFile(ctx.services, botId, input.id)
    const tags = mergePatch(parseJson<Record<string, string>>(row.tags, {}), input.tags)
    const changes = {
      metadata: JSON.stringify(mergePatch(parseJson(row.metadata, {}), objectField(input.metadata, 'metadata'))),
      tags: JSON.stringify(tags),
      ...(input.accessPolicies !== undefined && { accessPolicies: JSON.stringify([...new Set(input.accessPolicies)]) }),
      ...(input.expiresAt !== undefined && { expiresAt: input.expiresAt === null ? null : parseExpiresAt(input.expiresAt, ctx.services.clock.now()) }),
      updatedAt: ctx.now(),
    }
    const updated = await ctx.store.transaction(async (trx) => {
      await trx.updateTable('files').set(changes).where('id', '=', row.id).execute()
      if (input.tags !== undefined) await writeFileTags(trx, row, tags)
      return trx.selectFrom('files').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()
    })
    return { file: toFile(updated, await fileUrls(ctx.services)) }
  },

  async deleteFile(input, ctx) {
    const row = await findFile(ctx.services, await ctx.botId(), input.id)
    await removeFiles(ctx.services, [row])
    return {}
  },

  async listFiles(input, ctx) {
    const botId = await ctx.botId()
    const tagFilter = parseTagFilter(input.tags)
    let query = ctx.db
      .selectFrom('files')
      .selectAll()
      .where('botId', '=', botId)
      .where(notExpired(ctx.now()))
      .where(tagFilterCondition(ctx.store.dialect, 'files.tags', tagFilter))
    if (input.ids?.length) query = query.where('id', 'in', input.ids)
    if (input.indexed !== undefined) query = query.where('index', '=', input.indexed ? 1 : 0)
    const page = await paginate(query, {
      sortColumn: sortColumns[input.sortField ?? 'createdAt'],
      direction: input.sortDirection ?? 'desc',
      nextToken: input.nextToken,
    })
    const urls = await fileUrls(ctx.services)
    return { files: page.items.map((row) => toFile(row, urls)), meta: page.meta }
  },
}
