import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { invalidPayload } from '../errors.js'
import { decodeCursor, encodeCursor } from '../store/pagination.js'
import { readableBot, readableWorkspace, subjectOf, type Subject } from './access.js'
import { dailyValues, measureBots, measureWorkspace } from './measure.js'
import { monthOf, monthsBetween, periodOf } from './periods.js'
import { checkQuotas, quotaOf, type Quotas } from './quotas.js'
import { allUsageTypes, isUsageType, usageTypes, type UsageType } from './types.js'
import { isoTime } from '../clock.js'

type Usage = PublicApi.Usage

const HISTORY_MONTHS = 12
const DAYS_PER_PAGE = 100
const DAY_MS = 86_400_000

const quotasOf = (ctx: RequestContext): Quotas => checkQuotas(ctx.services.config.quotas)

async function usageOf(ctx: RequestContext, type: UsageType, subject: Subject, periodName: string | undefined): Promise<Usage> {
  const period = periodOf(periodName, ctx.now())
  const value =
    subject.kind === 'bot' ? ((await measureBots(ctx.db, type, [subject.id], period)).get(subject.id) ?? 0) : await measureWorkspace(ctx.db, type, subject.id, period)
  return { id: subject.id, period: period.name, value, quota: quotaOf(quotasOf(ctx), type), type }
}

/** The bots of a workspace, for bot-scoped types read at the workspace level. */
const botsOf = async (ctx: RequestContext, workspaceId: string) =>
  (await ctx.db.selectFrom('bots').select('id').where('workspaceId', '=', workspaceId).orderBy('createdAt').orderBy('id').execute()).map((b) => b.id)

function usageType(field: string, type: string): UsageType {
  if (!isUsageType(type)) throw invalidPayload(`Invalid "${field}": ${JSON.stringify(type)} is not a usage type (${allUsageTypes.join(', ')})`)
  return type
}

const dayAfter = (day: string) => new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10)

/**
 * The days of a flow type's activity, a page at a time: from `from` to `until` (default: the current
 * month), the next page starting after the day the cursor names.
 */
async function activityDays(ctx: RequestContext, type: UsageType, subject: Subject, from: string | undefined, until: string | undefined, nextToken: string | undefined) {
  const today = ctx.now().slice(0, 10)
  let fromDay = from ? isoTime('from', from).slice(0, 10) : `${monthOf(today)}-01`
  const untilDay = until ? isoTime('until', until).slice(0, 10) : today
  if (nextToken) fromDay = dayAfter(String(decodeCursor(nextToken).v))
  const values = usageTypes[type].kind === 'flow' ? await dailyValues(ctx.db, type, subject.kind === 'bot' ? { botIds: [subject.id] } : { workspaceId: subject.id }, fromDay, untilDay) : new Map<string, number>()
  const days = [...values.keys()].sort().slice(0, DAYS_PER_PAGE + 1)
  const page = days.slice(0, DAYS_PER_PAGE)
  const last = page[page.length - 1]
  return { days: page.map((day) => ({ day, value: values.get(day)! })), meta: days.length > DAYS_PER_PAGE && last ? { nextToken: encodeCursor({ v: last, id: '' }) } : {} }
}

export const usageHandlers: PublicHandlers = {
  async getUsage({ id, type, period }, ctx) {
    return { usage: await usageOf(ctx, type, await subjectOf(ctx, type, id), period) }
  },

  async getMultipleUsages({ types, ids, period }, ctx) {
    const checked = types.map((t, i) => usageType(`types.${i}`, t))
    const scopes = new Set(checked.map((t) => usageTypes[t].scope))
    if (scopes.size > 1) throw invalidPayload('Invalid "types": all types must be measured on the same kind of entity (all per bot, or all per workspace)')
    if (checked.length * ids.length > 500) throw invalidPayload('Invalid "ids": at most 500 usages (types × ids) per request')
    const usages: Usage[] = []
    for (const id of ids) {
      for (const type of checked) usages.push(await usageOf(ctx, type, await subjectOf(ctx, type, id), period))
    }
    return { usages }
  },

  async listWorkspaceUsages({ id, type, period }, ctx) {
    const workspace = await readableWorkspace(ctx, id)
    if (usageTypes[type].scope === 'workspace') return { usages: [await usageOf(ctx, type, workspace, period)] }
    const bots = await botsOf(ctx, workspace.id)
    const usages: Usage[] = []
    for (const botId of bots) usages.push(await usageOf(ctx, type, await readableBot(ctx, botId), period))
    return { usages }
  },

  async breakDownWorkspaceUsageByBot({ id, type, period }, ctx) {
    const workspace = await readableWorkspace(ctx, id)
    const bots = await botsOf(ctx, workspace.id)
    const range = periodOf(period, ctx.now())
    if (usageTypes[type].scope === 'bot') {
      const values = await measureBots(ctx.db, type, bots, range)
      return { data: bots.map((botId) => ({ botId, value: values.get(botId) ?? 0 })) }
    }
    if (type === 'workspace_ratelimit') {
      const days = await Promise.all(bots.map((botId) => dailyValues(ctx.db, type, { botIds: [botId] }, range.from.slice(0, 10), new Date(Date.parse(range.until) - DAY_MS).toISOString().slice(0, 10))))
      return { data: bots.map((botId, i) => ({ botId, value: [...days[i]!.values()].reduce((a, b) => a + b, 0) })) }
    }
    throw invalidPayload(`Invalid "type": "${type}" counts ${usageTypes[type].measures}, which no bot owns; break down a bot-scoped type or workspace_ratelimit`)
  },

  async getWorkspaceQuota({ id, type, period }, ctx) {
    await readableWorkspace(ctx, id)
    return { quota: { period: periodOf(period, ctx.now()).name, value: quotaOf(quotasOf(ctx), type), type } }
  },

  async listWorkspaceQuotas({ id, period }, ctx) {
    await readableWorkspace(ctx, id)
    const name = periodOf(period, ctx.now()).name
    return { quotas: allUsageTypes.map((type) => ({ period: name, value: quotaOf(quotasOf(ctx), type), type })) }
  },

  /** How close the request's workspace is to each configured quota: usage / quota (per bot types: the busiest bot). */
  async getAllWorkspaceQuotaCompletion(_input, ctx) {
    const workspace = await readableWorkspace(ctx, (await ctx.workspace()).id)
    const quotas = quotasOf(ctx)
    const period = periodOf(undefined, ctx.now())
    const result: PublicApi.GetAllWorkspaceQuotaCompletionResponse = {}
    for (const type of allUsageTypes) {
      const quota = quotaOf(quotas, type)
      let value: number
      if (usageTypes[type].scope === 'bot') value = Math.max(0, ...(await measureBots(ctx.db, type, await botsOf(ctx, workspace.id), period)).values())
      else value = await measureWorkspace(ctx.db, type, workspace.id, period)
      result[type] = { type, completion: quota === 0 ? (value > 0 ? 1 : 0) : value / quota }
    }
    return result
  },

  async listUsageHistory({ id, type }, ctx) {
    const subject = await subjectOf(ctx, type, id)
    const now = monthOf(ctx.now())
    const months = usageTypes[type].kind === 'flow' ? monthsBetween(monthOf(subject.createdAt), now, HISTORY_MONTHS) : [now]
    const usages: Usage[] = []
    for (const month of months) usages.push(await usageOf(ctx, type, subject, month))
    return { usages }
  },

  async listUsageActivity({ id, type, timestampFrom, timestampUntil, nextToken }, ctx) {
    const subject = await subjectOf(ctx, type, id)
    const { days, meta } = await activityDays(ctx, type, subject, timestampFrom, timestampUntil, nextToken)
    return {
      data: days.map(({ day, value }) => ({ timestamp: `${day}T00:00:00.000Z`, value, period: monthOf(day), metadata: { [subject.kind === 'bot' ? 'botId' : 'workspaceId']: subject.id } })),
      meta,
    }
  },

  async listUsageActivityDaily({ id, type, dateFrom, dateUntil, nextToken }, ctx) {
    const subject = await subjectOf(ctx, type, id)
    const { days, meta } = await activityDays(ctx, type, subject, dateFrom, dateUntil, nextToken)
    return { data: days.map(({ day, value }) => ({ key: `${type}:${subject.id}:${day}`, date: day, value })), meta }
  },
}
