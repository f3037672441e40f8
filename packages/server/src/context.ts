import type { FastifyBaseLogger } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { Authenticator, Principal } from './auth/principal.js'
import type { Clock } from './clock.js'
import type { ServerConfig } from './config.js'
import type { Store } from './store/store.js'
import type { Runtime } from './runtime/runtime.js'
import type { BotRuntime } from './runtime/bot-runtime.js'
import { forbidden, invalidPayload, notFound } from './errors.js'
import { prepared } from './store/prepared.js'
import { actsOnPathWorkspace, assertKeyMayCall, assertRoleMayCall, isRestricted } from './members/roles.js'

/** What every handler can reach besides its request: shared by all requests of one server. */
export type Services = {
  store: Store
  clock: Clock
  config: ServerConfig
  auth: Authenticator
  /**
   * Tells every section that these bots are gone (deleted, or with their workspace), once the deletion has
   * committed, to remove what the store's cascades do not reach (file bytes, per-table SQL tables).
   */
  botsDeleted(botIds: string[]): Promise<void>
  /** Delivers to bots and integrations (the outbox's dispatcher) and calls them synchronously. */
  runtime: Runtime
  /** The server's logger, once the HTTP app is built. */
  log?: FastifyBaseLogger
}

export type WorkspaceAccess = { id: string; role: string }

/** The bot a request acts on, and that bot's workspace. */
export type BotScope = { botId: string; workspaceId: string }

/** A bot's workspace and the account's role there (none when not a member): every request of a personal token with `x-bot-id`. */
const botWithMembership = prepared<{ accountId: string; botId: string }, { workspaceId: string; role: string | null }>((db, p) =>
  db
    .selectFrom('bots')
    .leftJoin('workspaceMembers', (join) => join.onRef('workspaceMembers.workspaceId', '=', 'bots.workspaceId').on('workspaceMembers.accountId', '=', p.accountId))
    .select(['bots.workspaceId', 'workspaceMembers.role'])
    .where('bots.id', '=', p.botId),
)

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name]
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined
}

/**
 * One request's view of the server: its principal, and the bot or workspace it acts on, resolved on first
 * use (an operation that needs no bot never pays for the lookup) and checked against the principal.
 */
export class RequestContext {
  private bot?: Promise<string>
  private botView?: Promise<BotRuntime | undefined>
  /** The bot's view as resolving the bot read it (an integration key's check), for `botRuntime` not to read it again. */
  private botViewFromCheck?: BotRuntime
  private resolvedBot?: BotScope
  private memberships = new Map<string, Promise<WorkspaceAccess>>()
  /** When the request arrived (ms since the epoch). */
  readonly startedAt = Date.now()
  /** The Botpress error the request failed with, if it did. */
  error?: { type: string; message: string }
  /** What the handler was given and returned, for the sections' `afterOperation` observers. */
  input?: Record<string, unknown>
  output?: unknown

  constructor(
    readonly services: Services,
    readonly principal: Principal,
    private readonly headers: IncomingHttpHeaders,
    readonly requestId: string,
    readonly log: FastifyBaseLogger,
    /** The API operation being answered, e.g. `createMessage`. */
    readonly operation: string,
  ) {}

  get store() {
    return this.services.store
  }

  get db() {
    return this.services.store.db
  }

  private nowIso?: string

  /** The request's time, as the ISO 8601 string every timestamp is stored as: one instant for the whole request. */
  now(): string {
    return (this.nowIso ??= this.services.clock.now().toISOString())
  }

  header(name: string): string | undefined {
    return header(this.headers, name)
  }

  /** The account behind a personal access token; bot and integration keys have none. */
  accountId(): string {
    if (this.principal.kind !== 'account') throw forbidden('This operation needs a personal access token')
    return this.principal.accountId
  }

  private alias?: Promise<string | undefined>

  /**
   * The alias under which the acting integration is installed on the request's bot: `x-integration-alias` when
   * it names an installation of this integration, else the first alias the bot installs it under.
   */
  integrationAlias(): Promise<string | undefined> {
    this.alias ??= this.resolveAlias()
    return this.alias
  }

  private async resolveAlias(): Promise<string | undefined> {
    const installation = await this.actingInstallation()
    return installation?.alias
  }

  /** The installation of the bot that the acting integration is (`x-integration-alias` picks one of several). */
  private async actingInstallation() {
    const p = this.principal
    if (p.kind !== 'integration') return undefined
    const bot = await this.botRuntime()
    const installations = bot?.installations.filter((i) => i.integrationId === p.integrationId) ?? []
    const wanted = this.header('x-integration-alias')
    return installations.find((i) => i.alias === wanted) ?? installations[0]
  }

  /** The name of the integration the request acts as (a conversation it creates is that integration's). */
  async integrationName(): Promise<string | undefined> {
    return (await this.actingInstallation())?.name
  }

  /** The runtime's view of the bot the request acts on (undefined when it is gone), read once per request. */
  botRuntime(): Promise<BotRuntime | undefined> {
    this.botView ??= this.botId().then((botId) => this.botViewFromCheck ?? this.services.runtime.bot(this.db, botId))
    return this.botView
  }

  /** The bot the request acts on: the key's own bot, or the `x-bot-id` bot of the token's workspaces. */
  botId(): Promise<string> {
    this.bot ??= this.resolveBot()
    return this.bot
  }

  /**
   * The bot the request acts on and its workspace, once `botId` has resolved it; undefined before, and when
   * it could not be. What is recorded after a request reads it without another lookup.
   */
  get knownBot(): BotScope | undefined {
    return this.resolvedBot
  }

  /** The workspace of the bot the request acts on (see `botId`), known once the bot is resolved. */
  async botWorkspaceId(): Promise<string> {
    await this.botId()
    return this.resolvedBot!.workspaceId
  }

  /**
   * The workspace the request acts on (`id` from the path, else `x-workspace-id`), with the caller's role,
   * which must allow the operation (members/roles.ts): 403 otherwise.
   */
  async workspace(id?: string): Promise<WorkspaceAccess> {
    const access = await this.membership(id ?? this.header('x-workspace-id'))
    this.checkRole(access)
    return access
  }

  /**
   * Resolves the request's workspace before its handler runs when the operation is not open to every role,
   * so that a member whose role may not call it gets 403 before the handler looks anything up.
   */
  async authorize(input: Record<string, unknown>): Promise<void> {
    if (this.principal.kind !== 'account') return assertKeyMayCall(this.principal.kind, this.operation)
    if (!isRestricted(this.operation)) return
    if (actsOnPathWorkspace(this.operation) && typeof input.id === 'string') await this.workspace(input.id)
    else if (this.header('x-workspace-id')) await this.workspace()
    else if (this.header('x-bot-id')) await this.botId()
  }

  private checkRole(access: WorkspaceAccess): void {
    if (this.principal.kind === 'account') assertRoleMayCall(access.role, this.operation)
  }

  private membership(id: string | undefined): Promise<WorkspaceAccess> {
    const key = id ?? ''
    let access = this.memberships.get(key)
    if (!access) {
      access = this.resolveWorkspace(id)
      this.memberships.set(key, access)
    }
    return access
  }

  private async resolveBot(): Promise<string> {
    const requested = this.header('x-bot-id')
    const p = this.principal
    if (p.kind === 'bot') {
      if (requested && requested !== p.botId) throw forbidden(`This bot API key cannot act on bot "${requested}"`)
      this.resolvedBot = { botId: p.botId, workspaceId: p.workspaceId }
      return p.botId
    }
    if (!requested) throw invalidPayload('Missing "x-bot-id" header: name the bot this request acts on')
    const workspaceId = p.kind === 'account' ? await this.accountBotWorkspace(p.accountId, requested) : await this.integrationBotWorkspace(p, requested)
    const workspaceHeader = this.header('x-workspace-id')
    if (workspaceHeader && workspaceHeader !== workspaceId) throw notFound('Bot', requested)
    this.resolvedBot = { botId: requested, workspaceId }
    return requested
  }

  /** The bot's workspace, with the account's role there checked: one query for the bot and the membership. */
  private async accountBotWorkspace(accountId: string, botId: string): Promise<string> {
    const [row] = (await botWithMembership(this.db, { accountId, botId })).rows
    if (!row?.role) throw notFound('Bot', botId)
    const access = { id: row.workspaceId, role: row.role }
    this.memberships.set(row.workspaceId, Promise.resolve(access))
    this.checkRole(access)
    return row.workspaceId
  }

  /** An integration key acts only on the bots of its workspace that install its integration. */
  private async integrationBotWorkspace(p: Extract<Principal, { kind: 'integration' }>, botId: string): Promise<string> {
    const bot = await this.services.runtime.bot(this.db, botId)
    if (!bot || (p.workspaceId && p.workspaceId !== bot.workspaceId) || !bot.integrationIds.includes(p.integrationId)) {
      throw notFound('Bot', botId)
    }
    // The check has read the view botRuntime() would: the request reads it once either way. botRuntime() may
    // already be waiting on botId(), so the view is left for it to find rather than set as its promise.
    this.botViewFromCheck = bot
    return bot.workspaceId
  }

  private async resolveWorkspace(id: string | undefined): Promise<WorkspaceAccess> {
    const p = this.principal
    if (p.kind === 'bot' || p.kind === 'integration') {
      if (!p.workspaceId || (id && id !== p.workspaceId)) throw forbidden('This key cannot act on that workspace')
      return { id: p.workspaceId, role: p.kind }
    }
    if (!id) throw invalidPayload('Missing "x-workspace-id" header: name the workspace this request acts on')
    const member = await this.db
      .selectFrom('workspaceMembers')
      .select(['role'])
      .where('workspaceId', '=', id)
      .where('accountId', '=', p.accountId)
      .executeTakeFirst()
    if (!member) throw notFound('Workspace', id)
    return { id, role: member.role }
  }
}
