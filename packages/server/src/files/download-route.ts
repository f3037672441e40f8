import { open } from 'node:fs/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../context.js'
import { invalidPayload, notFound } from '../errors.js'
import { blobsOf, isExpired, removeFiles } from './lookup.js'
import { accessPoliciesOf, hasContent, type FileRow } from './model.js'
import { checkGrant, type SignedRequest } from './route-grants.js'

type ByteRange = { start: number; end: number }

/**
 * The bytes a `Range` header asks for (RFC 9110): one range, `bytes=a-b`, `bytes=a-` or `bytes=-n`.
 * Undefined means the whole file: no header, or one this server does not honour (several ranges, another
 * unit, a malformed one), which HTTP lets a server ignore. 'unsatisfiable' when it starts past the end.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const [first, last] = [match[1]!, match[2]!]
  if (first === '') {
    const suffix = Number(last)
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
}

/** Answers GET (the bytes, or the range asked for) and HEAD (the headers only) of a file's content. */
async function sendContent(services: Services, row: FileRow | undefined, fileId: string, request: FastifyRequest, reply: FastifyReply, cacheControl: string) {
  if (!row || !hasContent(row)) throw notFound('File content', fileId)
  if (isExpired(row, services.clock.now().toISOString())) {
    await removeFiles(services, [row])
    throw notFound('File', fileId)
  }
  const size = Number(row.size)
  const range = requestedRange(request.headers.range, size)
  if (range === 'unsatisfiable') {
    const error = invalidPayload(`Range not satisfiable: ${JSON.stringify(request.headers.range)} starts past the end of this ${size}-byte file`)
    return reply.code(416).header('x-request-id', request.id).header('content-range', `bytes */${size}`).type('application/json').send(JSON.stringify({ ...error.toJSON(), code: 416 }))
  }
  reply.header('content-type', row.contentType).header('cache-control', cacheControl).header('accept-ranges', 'bytes')
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`)
  else reply.code(200)
  reply.header('content-length', String(range ? range.end - range.start + 1 : size))
  if (request.method === 'HEAD') return reply.send()
  const handle = await open(blobsOf(services).pathOf(row.blobName!)).catch(() => {
    throw notFound('File content', fileId)
  })
  return reply.send(handle.createReadStream(range ?? {}))
}

/** GET or HEAD of a signed download URL: the bytes of the content version it names. */
export async function sendSignedContent(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const { fileId, version } = await checkGrant(services, 'download', request as SignedRequest)
  const row = await services.store.db.selectFrom('files').selectAll().where('id', '=', fileId).where('uploadId', '=', version).executeTakeFirst()
  return sendContent(services, row, fileId, request, reply, 'private, max-age=300')
}

/** GET or HEAD of the permanent URL of a `public_content` file: no signature, no token. */
export async function sendPublicContent(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const { fileId } = request.params as { fileId: string }
  const row = await services.store.db.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirst()
  return sendContent(services, row && accessPoliciesOf(row).includes('public_content') ? row : undefined, fileId, request, reply, 'public, max-age=60')
}
