import type { FastifyReply } from 'fastify'
import { ApiError } from '../errors.js'
import { RateLimitedError } from './limits.js'
import { RequestValidationError } from './validation.js'

type FastifyLikeError = Error & { statusCode?: number; code?: string; validation?: unknown }

/**
 * Every failure becomes a Botpress error. Fastify's own client-side failures (malformed JSON, oversized or
 * wrongly typed bodies, unknown routes) map to their Botpress type; anything unexpected is an Internal error.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const e = error as FastifyLikeError
  if (e instanceof RequestValidationError || e.validation) return new ApiError('InvalidPayload', e.message)
  switch (e.statusCode) {
    case 404:
      return new ApiError('ResourceNotFound', e.message)
    case 413:
      return new ApiError('PayloadTooLarge', `Request body is too large: ${e.message}`)
    case 415:
      return new ApiError('UnsupportedMediaType', e.message)
    case 405:
      return new ApiError('MethodNotFound', e.message)
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError) {
    return new ApiError('InvalidPayload', `Malformed JSON body: ${e.message}`)
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new ApiError('InvalidPayload', e.message)
  return new ApiError('Internal', 'An internal error occurred')
}

export function sendError(reply: FastifyReply, error: ApiError) {
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds))
  return reply.code(error.code).type('application/json').send(JSON.stringify(error.toJSON()))
}

/** API bodies are plain JSON: a compressed (or otherwise encoded) body is refused rather than misread. */
export function refuseContentEncoding(encoding: string | undefined): void {
  if (encoding === undefined || encoding.trim().toLowerCase() === 'identity' || encoding.trim() === '') return
  throw new ApiError('UnsupportedMediaType', `Content-Encoding ${JSON.stringify(encoding)} is not supported: send the JSON body uncompressed`)
}
