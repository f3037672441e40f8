import type { PublicHandlers } from '../handlers.js'
import type { RequestContext } from '../context.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { factsOf } from './request-facts.js'
import { isoTime } from '../clock.js'

/** `slack:sendMessage` → `slack`; a bot's own action has no integration (''). */
const integrationOf = (actionType: string) => (actionType.includes(':') ? actionType.slice(0, actionType.indexOf(':')) : '')

/** Records a `callAction` request of a bot as an action run, with its outcome. */
export async function recordActionRun(botId: string, status: number, ctx: RequestContext): Promise<void> {
  const facts = factsOf(ctx)
  if (!facts.action) return
  await ctx.db
    .insertInto('actionRuns')
    .values({
      id: newId('actionRun'),
      botId,
      timestamp: ctx.now(),
      integrationName: integrationOf(facts.action.type),
      actionType: facts.action.type,
      input: JSON.stringify(facts.action.input),
      output: status < 400 ? JSON.stringify((ctx.output as { output?: unknown } | undefined)?.output ?? {}) : null,
      status: status < 400 ? 'SUCCESS' : 'FAILURE',
      durationMs: Date.now() - facts.startedAt,
      errorMessage: facts.error?.message ?? null,
    })
    .execute()
}

export const actionRunHandlers: PublicHandlers = {
  async listActionRuns(input, ctx) {
    const bot = await botOfWorkspace(ctx, input.id)
    const query = ctx.db
      .selectFrom('actionRuns')
      .selectAll()
      .where('botId', '=', bot.id)
      .where('integrationName', '=', input.integrationName)
      .$if(input.timestampFrom !== undefined, (q) => q.where('timestamp', '>=', isoTime('timestampFrom', input.timestampFrom!)))
      .$if(input.timestampUntil !== undefined, (q) => q.where('timestamp', '<=', isoTime('timestampUntil', input.timestampUntil!)))
    const page = await paginate(query, { sortColumn: 'timestamp', direction: 'desc', nextToken: input.nextToken })
    return {
      data: page.items.map((r) => ({
        timestamp: r.timestamp,
        integrationName: r.integrationName,
        actionType: r.actionType,
        input: parseJson<Record<string, unknown>>(r.input, {}),
        output: parseJson<Record<string, unknown> | null>(r.output, null),
        status: r.status as 'SUCCESS' | 'FAILURE',
        durationMs: Number(r.durationMs),
        cached: false,
        errorMessage: r.errorMessage,
      })),
      meta: page.meta,
    }
  },
}
