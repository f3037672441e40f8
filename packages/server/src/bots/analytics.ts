import { sql } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import type { PublicHandlers } from '../handlers.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { invalidPayload } from '../errors.js'
import { isoTime } from '../clock.js'

type AnalyticsRecord = PublicApi.GetBotAnalyticsResponse['records'][number]

const MAX_DAYS = 366
const DAY_MS = 86_400_000

/** The UTC day (`YYYY-MM-DD`) of an ISO timestamp column, the same expression on both stores. */
const dayOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 10)`

const noLlm = (): AnalyticsRecord['llm'] => {
  const stats = { mean: 0, sd: 0, min: 0, max: 0 }
  return { calls: 0, errors: 0, inputTokens: 0, outputTokens: 0, latency: { ...stats }, tokensPerSecond: { ...stats }, cost: { sum: 0, ...stats } }
}

function daysBetween(start: string, end: string): string[] {
  const days: string[] = []
  for (let t = Date.parse(start.slice(0, 10)); t <= Date.parse(end); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

/**
 * One record per UTC day of the range, counted from what the bot stored: users created (new), users who
 * wrote that day and were created before it (returning), conversations with messages (sessions),
 * incoming (user) and outgoing (bot) messages, events by type, and `trackAnalytics` counts by name
 * (customEvents). This server calls no LLM for the bot: the `llm` figures are zero.
 */
export const botAnalyticsHandlers: PublicHandlers = {
  async getBotAnalytics({ id, startDate, endDate }, ctx) {
    const bot = await botOfWorkspace(ctx, id)
    const start = isoTime('startDate', startDate)
    const end = isoTime('endDate', endDate)
    if (end < start) throw invalidPayload('Invalid "endDate": it is before "startDate"')
    const days = daysBetween(start, end)
    if (days.length > MAX_DAYS) throw invalidPayload(`Invalid "endDate": a range spans at most ${MAX_DAYS} days`)

    const inRange = <Q extends { where: (...args: any[]) => Q }>(q: Q, column: string) =>
      q.where(column, '>=', start).where(column, '<=', end)
    const db = ctx.db
    const [users, messages, sessions, returning, events, custom] = await Promise.all([
      // The bot's own user (its id) is not one of its users.
      inRange(db.selectFrom('users').select([dayOf('createdAt').as('day'), (eb) => eb.fn.countAll<number>().as('n')]).where('botId', '=', bot.id).where('id', '!=', bot.id), 'createdAt')
        .groupBy(dayOf('createdAt'))
        .execute(),
      inRange(db.selectFrom('messages').select([dayOf('createdAt').as('day'), 'direction', (eb) => eb.fn.countAll<number>().as('n')]).where('botId', '=', bot.id), 'createdAt')
        .groupBy([dayOf('createdAt'), 'direction'])
        .execute(),
      inRange(db.selectFrom('messages').select([dayOf('createdAt').as('day'), (eb) => eb.fn.count<number>('conversationId').distinct().as('n')]).where('botId', '=', bot.id), 'createdAt')
        .groupBy(dayOf('createdAt'))
        .execute(),
      inRange(
        db
          .selectFrom('messages')
          .innerJoin('users', 'users.id', 'messages.userId')
          .select([dayOf('messages.createdAt').as('day'), (eb) => eb.fn.count<number>('messages.userId').distinct().as('n')])
          .where('messages.botId', '=', bot.id)
          .where('messages.direction', '=', 'incoming')
          .where(sql<boolean>`${sql.ref('users.createdAt')} < ${dayOf('messages.createdAt')}`),
        'messages.createdAt',
      )
        .groupBy(dayOf('messages.createdAt'))
        .execute(),
      inRange(db.selectFrom('events').select([dayOf('createdAt').as('day'), 'type', (eb) => eb.fn.countAll<number>().as('n')]).where('botId', '=', bot.id), 'createdAt')
        .groupBy([dayOf('createdAt'), 'type'])
        .execute(),
      inRange(db.selectFrom('analytics').select([dayOf('createdAt').as('day'), 'name', (eb) => eb.fn.sum<number>('count').as('n')]).where('botId', '=', bot.id), 'createdAt')
        .groupBy([dayOf('createdAt'), 'name'])
        .execute(),
    ])

    const records = new Map<string, AnalyticsRecord>(
      days.map((day) => [
        day,
        {
          startDateTimeUtc: `${day}T00:00:00.000Z`,
          endDateTimeUtc: `${day}T23:59:59.999Z`,
          returningUsers: 0,
          newUsers: 0,
          sessions: 0,
          messages: 0,
          userMessages: 0,
          botMessages: 0,
          events: 0,
          eventTypes: {},
          customEvents: {},
          llm: noLlm(),
        },
      ]),
    )
    const at = (day: string) => records.get(day)!
    for (const r of users) at(r.day).newUsers = Number(r.n)
    for (const r of sessions) at(r.day).sessions = Number(r.n)
    for (const r of returning) at(r.day).returningUsers = Number(r.n)
    for (const r of messages) {
      const record = at(r.day)
      if (r.direction === 'incoming') record.userMessages = record.messages = Number(r.n)
      else record.botMessages += Number(r.n)
    }
    for (const r of events) {
      const record = at(r.day)
      record.events += Number(r.n)
      record.eventTypes[r.type] = Number(r.n)
    }
    for (const r of custom) at(r.day).customEvents[r.name] = Number(r.n)
    return { records: [...records.values()] }
  },
}
