import type { Store } from '../store/store.js'
import { forbidden, unauthorized } from '../errors.js'
import type { IncomingHttpHeaders } from 'node:http'
import type { Clock } from '../clock.js'
import { hashToken, type TokenKind } from './tokens.js'
import { checkCsrf, cookieValue, SESSION_COOKIE } from '../web/sessions.js'

/** Who a request acts as, from its bearer token. */
export type Principal =
  | { kind: 'account'; accountId: string; tokenId: string }
  | { kind: 'bot'; botId: string; workspaceId: string; tokenId: string }
  | { kind: 'integration'; integrationId: string; workspaceId: string | null; tokenId: string; accountId?: string }

const CACHE_TTL_MS = 5_000

/**
 * Resolves bearer tokens to principals. Lookups are cached for a few seconds because every request needs
 * one; revoking a token in this process clears the cache at once, other processes follow within the TTL.
 */
export class Authenticator {
  private cache = new Map<string, { principal: Principal; expires: number }>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  /**
   * The principal of a request: its bearer token, else its dashboard session cookie (web/sessions.ts), which
   * acts as the account's personal access token; a state-changing request by cookie needs the CSRF header.
   */
  async authenticateRequest(method: string, headers: IncomingHttpHeaders): Promise<Principal> {
    if (headers.authorization !== undefined) return this.authenticate(headers.authorization)
    const secret = cookieValue(headers, SESSION_COOKIE)
    if (!secret) return this.authenticate(undefined)
    const principal = await this.session(secret)
    checkCsrf(method, headers, secret)
    return principal
  }

  private async session(secret: string): Promise<Principal> {
    const hash = `session:${hashToken(secret)}`
    const cached = this.cache.get(hash)
    if (cached && cached.expires > Date.now()) return cached.principal
    const row = await this.store.db
      .selectFrom('webSessions')
      .select(['id', 'accountId'])
      .where('hash', '=', hashToken(secret))
      .where('expiresAt', '>', this.clock.now().toISOString())
      .executeTakeFirst()
    if (!row) throw unauthorized('The session has ended or expired: sign in again')
    const principal: Principal = { kind: 'account', accountId: row.accountId, tokenId: row.id }
    this.cache.set(hash, { principal, expires: Date.now() + CACHE_TTL_MS })
    return principal
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim()
    if (!token) throw unauthorized('Missing bearer token: send an "Authorization: Bearer <token>" header')
    const hash = hashToken(token)
    const cached = this.cache.get(hash)
    if (cached && cached.expires > Date.now()) return cached.principal

    const row = await this.store.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst()
    if (!row) throw unauthorized('Invalid or revoked token')
    const principal = toPrincipal(row.kind as TokenKind, row)
    this.cache.set(hash, { principal, expires: Date.now() + CACHE_TTL_MS })
    return principal
  }

  /**
   * A personal access token sent with `x-integration-id` and `x-bot-id` (what `bp dev` gives an integration's
   * process) acts as that integration, as its key would, when the account is a member of the integration's
   * workspace. Other requests act as their token.
   */
  async actingAs(principal: Principal, integrationId: string | undefined, botId: string | undefined): Promise<Principal> {
    if (principal.kind !== 'account' || !integrationId || !botId) return principal
    const row = await this.store.db
      .selectFrom('hubPackages')
      .innerJoin('workspaceMembers', 'workspaceMembers.workspaceId', 'hubPackages.workspaceId')
      .select('hubPackages.workspaceId')
      .where('hubPackages.id', '=', integrationId)
      .where('hubPackages.kind', '=', 'integration')
      .where('workspaceMembers.accountId', '=', principal.accountId)
      .executeTakeFirst()
    if (!row) throw forbidden(`This token cannot act as integration "${integrationId}": it is not of a workspace the account is a member of`)
    return { kind: 'integration', integrationId, workspaceId: row.workspaceId, tokenId: principal.tokenId, accountId: principal.accountId }
  }

  /** Forget every cached resolution (after a token, membership, bot or workspace is removed). */
  invalidate(): void {
    this.cache.clear()
  }
}

function toPrincipal(
  kind: TokenKind,
  row: { id: string; accountId: string | null; botId: string | null; workspaceId: string | null; integrationId: string | null },
): Principal {
  switch (kind) {
    case 'pat':
      return { kind: 'account', accountId: row.accountId!, tokenId: row.id }
    case 'bot':
      return { kind: 'bot', botId: row.botId!, workspaceId: row.workspaceId!, tokenId: row.id }
    case 'integration':
      return { kind: 'integration', integrationId: row.integrationId!, workspaceId: row.workspaceId, tokenId: row.id }
  }
}
