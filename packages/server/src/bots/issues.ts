import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { notFound } from '../errors.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { factsOf } from './request-facts.js'
import type { Store } from '../store/store.js'

type Issue = PublicApi.Issue
type Grouped = Issue['groupedData']

/** Which kind of problem an error type is, in the spec's issue categories. */
function categoryOf(type: string, status: number): Issue['category'] {
  if (['QuotaExceeded', 'LimitExceeded', 'RateLimited', 'PayloadTooLarge'].includes(type)) return 'limits'
  if (['Unauthorized', 'Forbidden', 'MethodNotFound'].includes(type)) return 'configuration'
  return status >= 500 ? 'other' : 'user_code'
}

export const raw = (value: string | number) => ({ raw: String(value) })

export type IssueOccurrence = {
  code: string
  title: string
  description: string
  category: Issue['category']
  /** What every occurrence of the issue shares. */
  grouped: Grouped
  /** This occurrence. */
  data: Grouped
  now: string
}

/**
 * Records an occurrence of a bot's issue: one issue per `code`, whose count and last-seen time grow with
 * each occurrence. Used for failed requests of the bot and for the runtime's failed deliveries.
 */
export async function recordIssue(store: Store, botId: string, issue: IssueOccurrence): Promise<void> {
  const { now } = issue
  await store.transaction(async (trx) => {
    await trx
      .insertInto('botIssues')
      .values({
        id: newId('issue'),
        botId,
        code: issue.code,
        title: issue.title,
        description: issue.description,
        category: issue.category,
        groupedData: JSON.stringify(issue.grouped),
        eventsCount: 1,
        createdAt: now,
        lastSeenAt: now,
      })
      .onConflict((oc) => oc.columns(['botId', 'code']).doUpdateSet((eb) => ({ eventsCount: eb('botIssues.eventsCount', '+', 1), lastSeenAt: now })))
      .execute()
    const row = await trx.selectFrom('botIssues').select('id').where('botId', '=', botId).where('code', '=', issue.code).executeTakeFirstOrThrow()
    await trx.insertInto('botIssueEvents').values({ id: newId('issueEvent'), issueId: row.id, botId, data: JSON.stringify(issue.data), createdAt: now }).execute()
  })
}

/**
 * Records a failed request of a bot as an event of its issue: one issue per operation and error type
 * (`createMessage:InvalidPayload`).
 */
export async function recordBotIssue(botId: string, operation: string, status: number, ctx: RequestContext): Promise<void> {
  const error = factsOf(ctx).error ?? { type: status >= 500 ? 'Internal' : 'Unknown', message: `answered ${status}` }
  await recordIssue(ctx.store, botId, {
    code: `${operation}:${error.type}`,
    title: `${operation} failed with ${error.type}`,
    description: `Requests of this bot to "${operation}" answered ${status} ${error.type}. The events hold each occurrence's message and request id.`,
    category: categoryOf(error.type, status),
    grouped: { operation: raw(operation), errorType: raw(error.type), status: raw(status) },
    data: { requestId: raw(ctx.requestId), status: raw(status), message: raw(error.message) },
    now: ctx.now(),
  })
}

type IssueRow = { id: string; code: string; title: string; description: string; category: string; groupedData: string; eventsCount: number | string; createdAt: string; lastSeenAt: string }

const toIssue = (row: IssueRow): Issue => ({
  id: row.id,
  code: row.code,
  createdAt: row.createdAt,
  lastSeenAt: row.lastSeenAt,
  title: row.title,
  description: row.description,
  groupedData: parseJson<Grouped>(row.groupedData, {}),
  eventsCount: Number(row.eventsCount),
  category: row.category as Issue['category'],
  resolutionLink: null,
})

async function issueOfBot(ctx: RequestContext, botId: string, issueId: string) {
  const bot = await botOfWorkspace(ctx, botId)
  const row = await ctx.db.selectFrom('botIssues').selectAll().where('id', '=', issueId).where('botId', '=', bot.id).executeTakeFirst()
  if (!row) throw notFound('Issue', issueId)
  return row
}

export const botIssueHandlers: PublicHandlers = {
  async listBotIssues({ id, nextToken }, ctx) {
    const bot = await botOfWorkspace(ctx, id)
    const query = ctx.db.selectFrom('botIssues').selectAll().where('botId', '=', bot.id)
    const page = await paginate(query, { sortColumn: 'lastSeenAt', direction: 'desc', nextToken })
    return { issues: page.items.map(toIssue), meta: page.meta }
  },

  async getBotIssue({ id, issueId }, ctx) {
    return { issue: toIssue(await issueOfBot(ctx, id, issueId)) }
  },

  async deleteBotIssue({ id, issueId }, ctx) {
    ctx.accountId()
    const issue = await issueOfBot(ctx, id, issueId)
    await ctx.db.deleteFrom('botIssues').where('id', '=', issue.id).execute()
    return {}
  },

  async listBotIssueEvents({ id, issueId }, ctx) {
    const issue = await issueOfBot(ctx, id, issueId)
    // The spec's operation is not paged: the latest 100 occurrences.
    const rows = await ctx.db
      .selectFrom('botIssueEvents')
      .select(['id', 'createdAt', 'data'])
      .where('issueId', '=', issue.id)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute()
    return { issueEvents: rows.map((r) => ({ id: r.id, createdAt: r.createdAt, data: parseJson<Grouped>(r.data, {}) })) }
  },
}
