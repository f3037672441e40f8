import type { FastifyRequest } from 'fastify'
import type { Services } from '../context.js'
import { forbidden, unauthorized } from '../errors.js'
import { signingKey, verify, type UrlGrant } from './signing.js'

export type SignedRequest = FastifyRequest<{
  Params: { fileId: string }
  Querystring: { version?: string; expires?: string; signature?: string }
}>

/** Checks a signed file URL: the signature must cover this action, file, version and expiry, which must be ahead. */
export async function checkGrant(services: Services, action: UrlGrant['action'], request: SignedRequest): Promise<UrlGrant> {
  const { version, expires, signature } = request.query
  if (!version || !expires || !signature) throw unauthorized('This file URL is not signed: use the URL the API returned, unchanged')
  const grant: UrlGrant = { action, fileId: request.params.fileId, version, expires: Number(expires) }
  if (!Number.isSafeInteger(grant.expires) || !verify(await signingKey(services.store), grant, signature)) {
    throw forbidden('The signature of this file URL is not valid: use the URL the API returned, unchanged')
  }
  if (grant.expires * 1000 <= services.clock.now().getTime()) {
    throw forbidden(`This file URL expired at ${new Date(grant.expires * 1000).toISOString()}: ask the API for a new one`)
  }
  return grant
}
