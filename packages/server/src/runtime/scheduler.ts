import type { Services } from '../context.js'
import { toState } from '../chat/models.js'
import { enqueueForBot, insertEvent } from './flows.js'
import { nextRun } from './recurring.js'

const BATCH = 100

/**
 * Fires what is due by time: recurring events (the bot definition's `recurringEvents`) and the expiry of
 * states (`state_expired`). Each due row is claimed by a conditional write in the transaction that raises its
 * event, so with several processes on one database each fires once; a restart loses none.
 */
export class Scheduler {
  private timer?: NodeJS.Timeout
  private running?: Promise<void>

  constructor(private readonly services: Services) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined))
    }, Math.max(this.services.config.deliveryPollMs, 100))
    this.timer.unref()
  }

  stop(): Promise<void> | undefined {
    clearInterval(this.timer)
    return this.running
  }

  async tick(): Promise<void> {
    try {
      const fired = (await this.fireRecurring()) + (await this.expireStates())
      if (fired) this.services.runtime.wake()
    } catch (err) {
      this.services.log?.warn({ err }, 'runtime: scheduler failed')
    }
  }

  private async fireRecurring(): Promise<number> {
    const { store, runtime } = this.services
    const now = new Date()
    const due = await store.db.selectFrom('recurringRuns').selectAll().where('nextRunAt', '<=', now.toISOString()).orderBy('nextRunAt').limit(BATCH).execute()
    let fired = 0
    for (const run of due) {
      const next = nextRun(run.cron, now)
      const claimed = await store.transaction(async (trx) => {
        const moved = await trx
          .updateTable('recurringRuns')
          .set({ nextRunAt: next?.toISOString() ?? '9999-12-31T00:00:00.000Z' })
          .where('botId', '=', run.botId)
          .where('name', '=', run.name)
          .where('nextRunAt', '=', run.nextRunAt)
          .executeTakeFirst()
        if (Number(moved.numUpdatedRows) !== 1) return false
        const bot = await runtime.bot(trx, run.botId)
        const definition = bot?.data.recurringEvents?.[run.name]
        // A bot that runs nowhere gets no event: its schedule moves on all the same.
        if (!bot?.runnable || !definition) return false
        const nowIso = now.toISOString()
        const event = await insertEvent(trx, nowIso, { botId: bot.botId, type: definition.type, payload: definition.payload ?? {} })
        await enqueueForBot(trx, nowIso, bot, event)
        return true
      })
      if (claimed) fired++
    }
    return fired
  }

  private async expireStates(): Promise<number> {
    const { store, runtime } = this.services
    const now = new Date().toISOString()
    const expired = await store.db.selectFrom('states').selectAll().where('expiresAt', '<=', now).orderBy('expiresAt').limit(BATCH).execute()
    let fired = 0
    for (const state of expired) {
      const raised = await store.transaction(async (trx) => {
        const deleted = await trx.deleteFrom('states').where('id', '=', state.id).where('expiresAt', '=', state.expiresAt).executeTakeFirst()
        if (Number(deleted.numDeletedRows) !== 1) return false
        const bot = await runtime.bot(trx, state.botId)
        if (!bot?.runnable) return false
        const event = await insertEvent(trx, now, {
          botId: bot.botId,
          type: 'state_expired',
          payload: { state: toState(state) },
          conversationId: state.type === 'conversation' ? state.ownerId : null,
          userId: state.type === 'user' ? state.ownerId : null,
        })
        await enqueueForBot(trx, now, bot, event)
        return true
      })
      if (raised) fired++
    }
    return fired
  }
}
