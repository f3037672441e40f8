import mime from 'mime-types'
import { invalidPayload } from '../errors.js'

const MAX_EXPIRY_MS = 90 * 24 * 60 * 60 * 1000

/** `expiresAt` as stored: a valid ISO 8601 instant, in the future, at most 90 days away (as Botpress Cloud allows). */
export function parseExpiresAt(value: string, now: Date): string {
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) throw invalidPayload(`Invalid body: "expiresAt" must be an ISO 8601 timestamp, got ${JSON.stringify(value)}`)
  if (at.getTime() <= now.getTime()) throw invalidPayload(`Invalid body: "expiresAt" must be in the future, got ${JSON.stringify(value)}`)
  if (at.getTime() - now.getTime() > MAX_EXPIRY_MS) throw invalidPayload('Invalid body: "expiresAt" cannot be more than 90 days from now')
  return at.toISOString()
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/

/** The declared content type, else the one the key's extension implies, else application/octet-stream. */
export function contentTypeFor(key: string, declared: string | undefined): string {
  if (declared !== undefined) {
    if (!MEDIA_TYPE.test(mediaType(declared))) throw invalidPayload(`Invalid body: "contentType" must be a MIME type such as "text/plain", got ${JSON.stringify(declared)}`)
    return declared.trim()
  }
  return mime.lookup(key) || 'application/octet-stream'
}

/** `text/plain; charset=utf-8` → `text/plain` */
export const mediaType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase()

export function objectField(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidPayload(`Invalid body: "${field}" must be an object`)
  return value as Record<string, unknown>
}

/** Applies a patch where a `null` value deletes its key (tags and metadata updates). */
export function mergePatch<T>(current: Record<string, T>, patch: Record<string, T | null> | undefined): Record<string, T> {
  const merged = { ...current }
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete merged[k]
    else merged[k] = v
  }
  return merged
}

export function requireKey(key: string): string {
  if (!key.trim()) throw invalidPayload('Invalid body: "key" must not be empty')
  return key
}
