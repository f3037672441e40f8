import { Transform, type TransformCallback } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../context.js'
import { ApiError, forbidden, invalidPayload, notFound } from '../errors.js'
import { BlobStore } from './blobs.js'
import { indexFile } from './indexer.js'
import { mediaType } from './inputs.js'
import { blobsOf, isExpired, removeFiles } from './lookup.js'
import { checkGrant, type SignedRequest } from './route-grants.js'

const GENERIC_TYPE = 'application/octet-stream'

const tooLarge = (limit: number) => new ApiError('PayloadTooLarge', `The upload exceeds this server's file size limit of ${limit} bytes`)
const sizeMismatch = (declared: number, received: string) =>
  invalidPayload(`The upload's size (${received}) does not match the size declared to upsertFile (${declared} bytes)`)

/** Passes bytes through, failing as soon as they exceed the declared size or the server's limit. */
class ByteGuard extends Transform {
  received = 0

  constructor(
    private readonly declared: number,
    private readonly limit: number,
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.received += chunk.length
    if (this.received > this.limit) return callback(tooLarge(this.limit))
    if (this.received > this.declared) return callback(sizeMismatch(this.declared, `more than ${this.declared} bytes`))
    callback(null, chunk)
  }
}

/**
 * The request body as a stream that errors if the client goes away before sending all of it. Piping (rather
 * than a pipeline) leaves the request itself intact, so an early error can still be answered.
 */
function bodyThrough(raw: IncomingMessage, guard: ByteGuard): ByteGuard {
  const interrupted = () => guard.destroy(new ApiError('InvalidPayload', 'The upload was interrupted before all of its bytes arrived'))
  raw.on('error', interrupted)
  raw.on('close', () => {
    if (!raw.complete) interrupted()
  })
  // The upload's pipeline reports the guard's failures; this keeps a late repeat of one from going uncaught.
  guard.on('error', () => {})
  return raw.pipe(guard)
}

/**
 * PUT to a signed upload URL: claims the URL (once), streams the bytes to disk within the declared size and
 * content type, then marks the file uploaded (and indexes it when asked). A failure after the claim marks the
 * file `upload_failed` with the reason, and answers it.
 */
export async function receiveUpload(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const { db } = services.store
  const { fileId, version } = await checkGrant(services, 'upload', request as SignedRequest)

  const claim = await db
    .updateTable('files')
    .set({ uploadUsed: 1 })
    .where('id', '=', fileId)
    .where('uploadId', '=', version)
    .where('uploadUsed', '=', 0)
    .executeTakeFirst()
  const row = await db.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirst()
  if (!row) throw notFound('File', fileId)
  if (Number(claim.numUpdatedRows) === 0) {
    throw row.uploadId === version
      ? forbidden('This upload URL has already been used: call upsertFile again for a new one')
      : forbidden('This upload URL was replaced by a later upsertFile of the same file: use the newest uploadUrl')
  }
  if (isExpired(row, services.clock.now().toISOString())) {
    await removeFiles(services, [row])
    throw notFound('File', fileId)
  }

  const fail = async (error: ApiError): Promise<never> => {
    await db
      .updateTable('files')
      .set({ status: 'upload_failed', failedStatusReason: error.message, updatedAt: services.clock.now().toISOString() })
      .where('id', '=', fileId)
      .where('uploadId', '=', version)
      .execute()
    if (!request.raw.complete) {
      // Don't read the rest of a body we refuse; close the connection once the answer is sent.
      reply.header('connection', 'close')
      request.raw.resume()
    }
    throw error
  }

  const declared = Number(row.declaredSize)
  const limit = services.config.fileSizeLimit
  const lengthHeader = request.headers['content-length']
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader)
  const sentType = request.headers['content-type']
  if (length !== undefined && length > limit) await fail(tooLarge(limit))
  // No Content-Type, or the generic binary one HTTP clients send for untyped bodies (axios for a Blob), names no type.
  if (sentType && mediaType(sentType) !== GENERIC_TYPE && mediaType(sentType) !== mediaType(row.contentType)) {
    await fail(invalidPayload(`The upload's Content-Type "${sentType}" does not match the file's content type "${row.contentType}"`))
  }
  if (length !== undefined && length !== declared) await fail(sizeMismatch(declared, `${length} bytes`))

  const blobs = blobsOf(services)
  const blobName = BlobStore.nameFor(row.botId, fileId, version)
  const guard = new ByteGuard(declared, limit)
  try {
    await blobs.write(blobName, bodyThrough(request.raw, guard))
    if (guard.received !== declared) throw sizeMismatch(declared, `${guard.received} bytes`)
  } catch (error) {
    await blobs.remove(blobName)
    await fail(error instanceof ApiError ? error : new ApiError('InvalidPayload', `The upload failed: ${(error as Error).message}`))
  }

  const done = await db
    .updateTable('files')
    .set({
      status: row.index ? 'indexing_pending' : 'upload_completed',
      size: guard.received,
      blobName,
      failedStatusReason: null,
      updatedAt: services.clock.now().toISOString(),
    })
    .where('id', '=', fileId)
    .where('uploadId', '=', version)
    .executeTakeFirst()
  if (Number(done.numUpdatedRows) === 0) {
    await blobs.remove(blobName)
    throw notFound('File', fileId)
  }
  // Indexing runs before the answer, so a client whose upload succeeded can search the file at once.
  if (row.index) await indexFile(services, fileId, version)
  return reply.code(200).send()
}
