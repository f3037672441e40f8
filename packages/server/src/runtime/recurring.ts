import { Cron } from 'croner'
import type { Db } from '../store/store.js'
import type { BotData } from '../admin/bot-model.js'
import { invalidPayload } from '../errors.js'

type RecurringEvents = NonNullable<BotData['recurringEvents']>

/** The first time after `after` that `cron` names (5 fields, or 6 with seconds), in UTC. */
export function nextRun(cron: string, after: Date): Date | undefined {
  return new Cron(cron, { paused: true, timezone: 'UTC' }).nextRun(after) ?? undefined
}

/** A 400 naming the recurring event whose cron expression cannot be read. */
export function checkCron(name: string, cron: string): void {
  try {
    new Cron(cron, { paused: true })
  } catch (error) {
    throw invalidPayload(`Invalid "recurringEvents.${name}.schedule.cron" ${JSON.stringify(cron)}: ${(error as Error).message}`)
  }
}

/**
 * Keeps a bot's schedule of recurring events in step with its definition: a new or changed event is scheduled
 * from now, a removed one is dropped, an unchanged one keeps its next run.
 */
export async function syncRecurringRuns(db: Db, botId: string, events: RecurringEvents, now: Date): Promise<void> {
  const current = await db.selectFrom('recurringRuns').select(['name', 'cron']).where('botId', '=', botId).execute()
  const wanted = new Map(Object.entries(events).map(([name, event]) => [name, event.schedule.cron]))
  const stale = current.filter((run) => wanted.get(run.name) !== run.cron).map((run) => run.name)
  if (stale.length) await db.deleteFrom('recurringRuns').where('botId', '=', botId).where('name', 'in', stale).execute()
  const kept = new Set(current.filter((run) => wanted.get(run.name) === run.cron).map((run) => run.name))
  const rows = [...wanted].flatMap(([name, cron]) => {
    if (kept.has(name)) return []
    const next = nextRun(cron, now)
    return next ? [{ botId, name, cron, nextRunAt: next.toISOString() }] : []
  })
  if (rows.length) await db.insertInto('recurringRuns').values(rows).execute()
}
