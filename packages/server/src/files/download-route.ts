import { open } from 'node:fs/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../context.js'
import { notFound } from '../errors.js'
import { blobsOf, isExpired, removeFiles } from './lookup.js'
import { accessPoliciesOf, hasContent, type FileRow } from './model.js'
import { checkGrant, type SignedRequest } from './route-grants.js'

async function sendContent(services: Services, row: FileRow | undefined, fileId: string, reply: FastifyReply, cacheControl: string) {
  if (!row || !hasContent(row)) throw notFound('File content', fileId)
  if (isExpired(row, services.clock.now().toISOString())) {
    await removeFiles(services, [row])
    throw notFound('File', fileId)
  }
  const handle = await open(blobsOf(services).pathOf(row.blobName!)).catch(() => {
    throw notFound('File content', fileId)
  })
  return reply
    .code(200)
    .header('content-type', row.contentType)
    .header('content-length', String(row.size))
    .header('cache-control', cacheControl)
    .send(handle.createReadStream())
}

/** GET of a signed download URL: the bytes of the content version it names. */
export async function sendSignedContent(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const { fileId, version } = await checkGrant(services, 'download', request as SignedRequest)
  const row = await services.store.db.selectFrom('files').selectAll().where('id', '=', fileId).where('uploadId', '=', version).executeTakeFirst()
  return sendContent(services, row, fileId, reply, 'private, max-age=300')
}

/** GET of the permanent URL of a `public_content` file: no signature, no token. */
export async function sendPublicContent(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const { fileId } = request.params as { fileId: string }
  const row = await services.store.db.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirst()
  return sendContent(services, row && accessPoliciesOf(row).includes('public_content') ? row : undefined, fileId, reply, 'public, max-age=60')
}
