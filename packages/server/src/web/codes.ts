import { randomBytes } from 'node:crypto'
import type { Services } from '../context.js'
import type { Db } from '../store/store.js'
import { hashToken } from '../auth/tokens.js'

/** One-time codes carried by sign-in and invitation links: random, stored only as a hash, good once. */

export type CodePurpose = 'sign-in' | 'invitation'

/** How long a link stays good: a sign-in link 10 minutes, an invitation a week. */
export const CODE_TTL_MS: Record<CodePurpose, number> = { 'sign-in': 10 * 60_000, invitation: 7 * 24 * 3_600_000 }

export type SignInLink = { url: string; expiresAt: string }

/** A fresh link that signs `accountId` in once, before it expires. */
export async function createSignInLink(services: Services, accountId: string, purpose: CodePurpose, db: Db = services.store.db): Promise<SignInLink> {
  const code = randomBytes(24).toString('base64url')
  const now = services.clock.now()
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS[purpose]).toISOString()
  await db.insertInto('webSignInCodes').values({ hash: hashToken(code), accountId, purpose, expiresAt, usedAt: null, createdAt: now.toISOString() }).execute()
  return { url: `${services.config.publicUrl ?? ''}/auth/sign-in?code=${code}`, expiresAt }
}

/**
 * Takes the code: the account it signs in, once. One UPDATE marks it used only while unused and unexpired,
 * so two requests racing with one code never both get a session.
 */
export async function redeemCode(services: Services, code: string): Promise<string | undefined> {
  const now = services.clock.now().toISOString()
  const row = await services.store.db
    .updateTable('webSignInCodes')
    .set({ usedAt: now })
    .where('hash', '=', hashToken(code))
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', now)
    .returning('accountId')
    .executeTakeFirst()
  return row?.accountId
}

/** Removes codes and sessions that can no longer be used (run by the server's sweep). */
export async function sweepExpired(services: Services): Promise<void> {
  const now = services.clock.now().toISOString()
  await services.store.db.deleteFrom('webSignInCodes').where('expiresAt', '<', now).execute()
  await services.store.db.deleteFrom('webSessions').where('expiresAt', '<', now).execute()
}
