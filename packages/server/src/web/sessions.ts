import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Services } from '../context.js'
import type { Principal } from '../auth/principal.js'
import { hashToken } from '../auth/tokens.js'
import { newId } from '../ids.js'
import { forbidden } from '../errors.js'

/**
 * Dashboard sessions: the `bpkit_session` cookie holds a random secret (the store keeps its hash), and the API
 * takes it as the account's personal access token. The CSRF token is derived from the cookie's secret, so
 * nothing more is stored and every process of the server checks it alike: a page of another site can make
 * the browser send the cookie (SameSite=Strict already stops that in current browsers) but cannot read the
 * token it would have to send along in `x-bpkit-csrf`.
 */

export const SESSION_COOKIE = 'bpkit_session'
export const CSRF_HEADER = 'x-bpkit-csrf'

/** The methods that change state: a cookie-authenticated one needs the CSRF header. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export const csrfTokenOf = (secret: string) => createHmac('sha256', secret).update('bpkit-csrf').digest('base64url')

/** The value of cookie `name` in a request's `Cookie` header. */
export function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at < 0) continue
    if (part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim()
      try {
        return decodeURIComponent(value) || undefined
      } catch {
        return value || undefined
      }
    }
  }
  return undefined
}

/** The `Set-Cookie` value of a session (or, with no secret, of its removal). */
export function sessionCookie(services: Services, secret: string | undefined, maxAgeSeconds: number): string {
  const secure = (services.config.publicUrl ?? '').startsWith('https:')
  return [
    `${SESSION_COOKIE}=${secret ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${secret ? maxAgeSeconds : 0}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ')
}

export type Session = { id: string; accountId: string; secret: string; expiresAt: string }

/** Opens a session for the account: the cookie's secret is returned once, the store keeps its hash. */
export async function createSession(services: Services, accountId: string): Promise<Session> {
  const secret = randomBytes(32).toString('base64url')
  const now = services.clock.now()
  const expiresAt = new Date(now.getTime() + services.config.sessionDays * 86_400_000).toISOString()
  const id = newId('session')
  await services.store.db.insertInto('webSessions').values({ id, hash: hashToken(secret), accountId, createdAt: now.toISOString(), expiresAt }).execute()
  return { id, accountId, secret, expiresAt }
}

/** The unexpired session whose cookie the request carries. */
export async function findSession(services: Services, headers: IncomingHttpHeaders): Promise<Session | undefined> {
  const secret = cookieValue(headers, SESSION_COOKIE)
  if (!secret) return undefined
  const row = await services.store.db
    .selectFrom('webSessions')
    .select(['id', 'accountId', 'expiresAt'])
    .where('hash', '=', hashToken(secret))
    .where('expiresAt', '>', services.clock.now().toISOString())
    .executeTakeFirst()
  return row && { ...row, secret }
}

export async function deleteSession(services: Services, id: string): Promise<void> {
  await services.store.db.deleteFrom('webSessions').where('id', '=', id).execute()
}

/** Refuses a state-changing request authenticated by the cookie unless it carries the session's CSRF token. */
export function checkCsrf(method: string, headers: IncomingHttpHeaders, secret: string): void {
  if (SAFE_METHODS.has(method.toUpperCase())) return
  const sent = headers[CSRF_HEADER]
  const value = Array.isArray(sent) ? sent[0] : sent
  const expected = Buffer.from(csrfTokenOf(secret))
  if (!value || value.length !== expected.length || !timingSafeEqual(Buffer.from(value), expected)) {
    throw forbidden(`Missing or wrong "${CSRF_HEADER}" header: a request authenticated by the session cookie that changes state must send the session's csrfToken (GET /auth/session)`)
  }
}

/** The principal of a session: its account, as that account's personal access token would be. */
export const sessionPrincipal = (session: Session): Principal => ({ kind: 'account', accountId: session.accountId, tokenId: session.id })
