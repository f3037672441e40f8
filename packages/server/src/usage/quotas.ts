import type { FastifyInstance } from 'fastify'
import type { RequestContext } from '../context.js'
import { ApiError } from '../errors.js'
import { parseJson } from '../store/json.js'
import { flushApiCalls, meteredScope } from './api-calls.js'
import { measureBots, measureWorkspace } from './measure.js'
import { periodOf } from './periods.js'
import { allUsageTypes, isUsageType, usageTypes, type UsageType } from './types.js'

/** How an unlimited quota is reported: the spec's `quota` is a number, and JSON has no infinity. */
export const UNLIMITED = Number.MAX_SAFE_INTEGER

export type Quotas = Partial<Record<UsageType, number>>

/** The configured quotas (`quotas` option or `BPKIT_QUOTAS`), checked once at start: unknown types or bad limits stop the server. */
export function checkQuotas(configured: Record<string, unknown>): Quotas {
  for (const [type, limit] of Object.entries(configured)) {
    if (!isUsageType(type)) throw new Error(`Unknown usage type "${type}" in the quotas; known types: ${allUsageTypes.join(', ')}`)
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) throw new Error(`The quota of "${type}" must be a non-negative number, got ${JSON.stringify(limit)}`)
  }
  return configured as Quotas
}

export const quotaOf = (quotas: Quotas, type: UsageType) => quotas[type] ?? UNLIMITED

type Input = Record<string, any>

/**
 * What an operation would add to a usage type: the usage after it, from the usage now. Bot types act on
 * the request's bot, workspace types on the request's workspace (or the one it names, for `transferBot`).
 */
type Guard = { type: UsageType; after: (now: number, input: Input, ctx: RequestContext, botId?: string) => number | Promise<number>; workspaceOf?: (input: Input) => string }

const plus = (n: (input: Input) => number) => (now: number, input: Input) => now + n(input)

/** The bot's file stored under `key`, whose bytes an upsert replaces. */
const existingFile = (ctx: RequestContext, botId: string, key: string) =>
  ctx.db.selectFrom('files').select(['index', 'size', 'declaredSize']).where('botId', '=', botId).where('key', '=', key).executeTakeFirst()
const bytesOf = (file: { size: number | null; declaredSize: number } | undefined) => Number(file?.size ?? file?.declaredSize ?? 0)

const guards: Record<string, Guard[]> = {
  createMessage: [{ type: 'invocation_calls', after: plus(() => 1) }],
  getOrCreateMessage: [{ type: 'invocation_calls', after: plus(() => 1) }],
  initializeIncomingMessage: [{ type: 'invocation_calls', after: plus(() => 1) }],
  importMessages: [{ type: 'invocation_calls', after: plus((i) => (Array.isArray(i.messages) ? i.messages.length : 0)) }],
  createEvent: [{ type: 'invocation_calls', after: plus(() => 1) }],
  createTableRows: [{ type: 'table_row_count', after: plus((i) => i.rows?.length ?? 0) }],
  upsertTableRows: [{ type: 'table_row_count', after: plus((i) => i.rows?.length ?? 0) }],
  upsertFile: [
    { type: 'file_max_size_bytes', after: (_now, i) => Number(i.size) },
    { type: 'storage_count', after: async (now, i, ctx, botId) => now - bytesOf(await existingFile(ctx, botId!, i.key)) + Number(i.size) },
    {
      type: 'knowledgebase_vector_storage',
      after: async (now, i, ctx, botId) => {
        const old = await existingFile(ctx, botId!, i.key)
        return now - (old?.index ? bytesOf(old) : 0) + (i.index ? Number(i.size) : 0)
      },
    },
    { type: 'indexed_file_count', after: async (now, i, ctx, botId) => now - ((await existingFile(ctx, botId!, i.key))?.index ? 1 : 0) + (i.index ? 1 : 0) },
  ],
  createBot: [{ type: 'bot_count', after: plus(() => 1) }],
  transferBot: [{ type: 'bot_count', after: plus(() => 1), workspaceOf: (i) => i.targetWorkspaceId }],
  createWorkspaceMember: [{ type: 'workspace_member_count', after: plus(() => 1) }],
  createIntegration: [
    {
      type: 'integrations_owned_count',
      after: async (now, i, ctx) => {
        const workspace = await ctx.workspace()
        const known = await ctx.db.selectFrom('hubPackages').select('id').where('kind', '=', 'integration').where('workspaceId', '=', workspace.id).where('name', '=', i.name).where('dev', '=', 0).executeTakeFirst()
        return known || i.dev ? now : now + 1
      },
    },
  ],
  updateBot: [
    {
      type: 'always_alive',
      after: async (now, i, ctx) => {
        if (i.alwaysAlive !== true) return now
        const bot = await ctx.db.selectFrom('bots').select('data').where('id', '=', i.id).executeTakeFirst()
        return parseJson<{ alwaysAlive?: boolean }>(bot?.data, {}).alwaysAlive ? now : now + 1
      },
    },
  ],
}

const exceeded = (type: UsageType, value: number, quota: number, subject: string) =>
  new ApiError('QuotaExceeded', `The ${type} quota of ${subject} is ${quota} (${usageTypes[type].measures}); this request would bring it to ${value}`)

/** Checks one guard: a request that would take a usage past its quota is refused before its handler runs. */
async function check(ctx: RequestContext, guard: Guard, quota: number, input: Input): Promise<void> {
  const period = periodOf(undefined, ctx.now())
  if (usageTypes[guard.type].scope === 'bot') {
    const botId = await ctx.botId()
    const now = (await measureBots(ctx.db, guard.type, [botId], period)).get(botId) ?? 0
    const after = await guard.after(now, input, ctx, botId)
    if (after > quota && after > now) throw exceeded(guard.type, after, quota, `bot ${botId}`)
    return
  }
  const workspaceId = guard.workspaceOf ? guard.workspaceOf(input) : (await ctx.workspace()).id
  const now = await measureWorkspace(ctx.db, guard.type, workspaceId, period)
  const after = await guard.after(now, input, ctx)
  if (after > quota && after > now) throw exceeded(guard.type, after, quota, `workspace ${workspaceId}`)
}

/**
 * Enforces the configured quotas on every route, after validation and authentication, before the handler:
 * the operations that would add to a limited usage type, and every API call when `workspace_ratelimit` is
 * limited. Nothing runs when no quota is configured. Quotas are soft limits (as the spec says): requests
 * racing each other near the limit may pass it by a few.
 */
export function enforceQuotas(app: FastifyInstance, quotas: Quotas): void {
  const limited = Object.keys(quotas) as UsageType[]
  if (!limited.length) return
  app.addHook('preHandler', async (request) => {
    const ctx = request.bpkitContext
    if (!ctx) return
    const input = { ...(request.params as object), ...(request.query as object), ...(request.body as object) } as Input
    for (const guard of guards[ctx.operation] ?? []) {
      if (guard.type in quotas) await check(ctx, guard, quotas[guard.type]!, input)
    }
    if (quotas.workspace_ratelimit !== undefined) {
      const scope = await meteredScope(ctx)
      if (!scope) return
      await flushApiCalls(ctx.services)
      const calls = await measureWorkspace(ctx.db, 'workspace_ratelimit', scope.workspaceId, periodOf(undefined, ctx.now()))
      if (calls + 1 > quotas.workspace_ratelimit) throw exceeded('workspace_ratelimit', calls + 1, quotas.workspace_ratelimit, `workspace ${scope.workspaceId}`)
    }
  })
}
