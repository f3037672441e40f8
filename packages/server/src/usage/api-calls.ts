import type { MaybePromise, OperationEvent } from '../handlers.js'
import type { BotScope, RequestContext, Services } from '../context.js'
import type { Store } from '../store/store.js'
import { perServer, WriteBehind } from '../store/write-behind.js'

const DAY = 10

/**
 * The workspace and bot a request counts against: the bot it acted for (a bot key's, or `x-bot-id`), else
 * the workspace it named (`x-workspace-id`, a key's own workspace). Undefined when it reached neither.
 * Known at once when the request resolved its bot.
 */
export function meteredScope(ctx: RequestContext): MaybePromise<BotScope | undefined> {
  return ctx.knownBot ?? resolveScope(ctx)
}

async function resolveScope(ctx: RequestContext): Promise<BotScope | undefined> {
  if (ctx.principal.kind === 'bot' || ctx.header('x-bot-id')) {
    const botId = await ctx.botId().catch(() => undefined)
    if (botId) return { workspaceId: await ctx.botWorkspaceId(), botId }
  }
  if (ctx.principal.kind !== 'account' && ctx.principal.workspaceId) return { workspaceId: ctx.principal.workspaceId, botId: '' }
  if (!ctx.header('x-workspace-id')) return undefined
  const workspace = await ctx.workspace().catch(() => undefined)
  return workspace ? { workspaceId: workspace.id, botId: '' } : undefined
}

type Call = { workspaceId: string; botId: string; day: string }

/**
 * Adds up a batch of calls per workspace, bot and day: one upsert per counter, not per call. Calls counted
 * against a workspace deleted since (the deletion's own call, say) are dropped with it.
 */
async function writeCalls(store: Store, calls: Call[]): Promise<void> {
  const workspaceIds = [...new Set(calls.map((call) => call.workspaceId))]
  const live = new Set((await store.db.selectFrom('workspaces').select('id').where('id', 'in', workspaceIds).execute()).map((w) => w.id))
  const counts = new Map<string, Call & { calls: number }>()
  for (const call of calls) {
    if (!live.has(call.workspaceId)) continue
    const key = `${call.workspaceId} ${call.botId} ${call.day}`
    const counter = counts.get(key)
    if (counter) counter.calls++
    else counts.set(key, { ...call, calls: 1 })
  }
  await store.transaction(async (trx) => {
    for (const counter of counts.values()) {
      await trx
        .insertInto('apiCallCounts')
        .values(counter)
        .onConflict((oc) => oc.columns(['workspaceId', 'botId', 'day']).doUpdateSet((eb) => ({ calls: eb('apiCallCounts.calls', '+', counter.calls) })))
        .execute()
    }
  })
}

const pendingCalls = perServer(
  (services: Services) =>
    new WriteBehind<Call>(
      (calls) => writeCalls(services.store, calls),
      (error) => process.emitWarning(`bpkit: API call counts were not written: ${(error as Error).message ?? error}`),
    ),
)

/** Writes the calls counted so far; whoever reads `apiCallCounts` calls it first. */
export const flushApiCalls = (services: Services) => pendingCalls(services).flush()

/** Counts every answered API call (whatever its status) against its workspace and bot, per UTC day. */
export function countApiCall({ ctx }: OperationEvent): MaybePromise<void> {
  const scope = meteredScope(ctx)
  return scope instanceof Promise ? scope.then((s) => countCall(ctx, s)) : countCall(ctx, scope)
}

function countCall(ctx: RequestContext, scope: BotScope | undefined): void {
  if (scope) pendingCalls(ctx.services).add({ workspaceId: scope.workspaceId, botId: scope.botId, day: ctx.now().slice(0, DAY) })
}

/**
 * Before a bot is deleted: its API calls stay counted in its workspace, no longer under its id (nothing
 * keeps a deleted bot's id).
 */
export async function foldCallsOfDeletedBot(db: RequestContext['db'], botId: string): Promise<void> {
  const rows = await db.selectFrom('apiCallCounts').selectAll().where('botId', '=', botId).execute()
  for (const row of rows) {
    await db
      .insertInto('apiCallCounts')
      .values({ ...row, botId: '' })
      .onConflict((oc) => oc.columns(['workspaceId', 'botId', 'day']).doUpdateSet((eb) => ({ calls: eb('apiCallCounts.calls', '+', row.calls) })))
      .execute()
  }
  await db.deleteFrom('apiCallCounts').where('botId', '=', botId).execute()
}
