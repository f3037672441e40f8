/**
 * Tables of the web face: the one-time codes a sign-in or invitation link carries, and the sessions they are
 * exchanged for. Both keep only a SHA-256 hash of their secret, like API tokens.
 */
export interface WebTables {
  webSignInCodes: {
    /** SHA-256 of the code. */
    hash: string
    accountId: string
    /** `sign-in` (10 minutes) or `invitation` (7 days). */
    purpose: string
    expiresAt: string
    /** When the code was exchanged; a code is good once. */
    usedAt: string | null
    createdAt: string
  }
  webSessions: {
    id: string
    /** SHA-256 of the cookie's value. */
    hash: string
    accountId: string
    createdAt: string
    expiresAt: string
  }
}
