import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Store } from '../store/store.js'

/**
 * File URLs (upload and download) carry an HMAC of what they allow and until when, so the routes that serve
 * them need no bearer token. The key lives in the store, created once (insert-if-absent), so every server
 * process sharing a PostgreSQL store signs and verifies alike.
 */

const KEY_NAME = 'file-url-signing'
const keys = new WeakMap<Store, Promise<Buffer>>()

export function signingKey(store: Store): Promise<Buffer> {
  let key = keys.get(store)
  if (!key) {
    key = loadOrCreateKey(store)
    key.catch(() => keys.delete(store))
    keys.set(store, key)
  }
  return key
}

async function loadOrCreateKey(store: Store): Promise<Buffer> {
  await store.db
    .insertInto('fileSecrets')
    .values({ name: KEY_NAME, secret: randomBytes(32).toString('base64url'), createdAt: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  const row = await store.db.selectFrom('fileSecrets').select('secret').where('name', '=', KEY_NAME).executeTakeFirstOrThrow()
  return Buffer.from(row.secret, 'base64url')
}

/** What a URL allows: an action on one file's one upload slot (or content version), until `expires` (Unix seconds). */
export type UrlGrant = { action: 'upload' | 'download'; fileId: string; version: string; expires: number }

const payload = (g: UrlGrant) => `${g.action}\n${g.fileId}\n${g.version}\n${g.expires}`

export const sign = (key: Buffer, grant: UrlGrant) => createHmac('sha256', key).update(payload(grant)).digest('base64url')

export function verify(key: Buffer, grant: UrlGrant, signature: string): boolean {
  const expected = Buffer.from(sign(key, grant))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
