import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import { applyInstalls } from './bot-installs.js'
import { readData, updatedBotColumns, type BotRow } from './bot-model.js'
import { registerInstalls, syncWebhooks } from '../runtime/registration.js'
import { checkCron, syncRecurringRuns } from '../runtime/recurring.js'

/**
 * Applies an `updateBot` input to a stored bot: the installs are checked first (they read other tables), then
 * the row is written once, then the integrations whose installation changed are told (register, unregister) and
 * how that went is recorded on the installation. Shared by `updateBot`, `publishFromBotJson` and `deployBotVersion`.
 */
export async function updateBotRow(ctx: RequestContext, row: BotRow, input: PublicApi.UpdateBotInput): Promise<void> {
  const now = ctx.now()
  const data = readData(row)
  const before = data.integrations ?? {}
  const installs = await applyInstalls(ctx, row, { integrations: before, plugins: data.plugins ?? {} }, input, now)
  for (const [name, event] of Object.entries(input.recurringEvents ?? {})) if (event) checkCron(name, event.schedule.cron)
  const columns = updatedBotColumns(row, input, now, installs)
  await ctx.store.transaction(async (trx) => {
    await trx.updateTable('bots').set(columns).where('id', '=', row.id).execute()
    await syncWebhooks(trx, row.id, installs.integrations)
    await syncRecurringRuns(trx, row.id, readData(columns).recurringEvents ?? {}, new Date(now))
  })
  const registered = await registerInstalls(ctx, row.id, before, installs.integrations)
  if (JSON.stringify(registered) === JSON.stringify(installs.integrations)) return
  await ctx.store.transaction(async (trx) => {
    const current = await trx.selectFrom('bots').select('data').where('id', '=', row.id).executeTakeFirst()
    if (!current) return
    const latest = readData(current)
    for (const [alias, entry] of Object.entries(registered)) {
      const installed = latest.integrations?.[alias]
      if (installed?.webhookId === entry.webhookId) Object.assign(installed, { status: entry.status, statusReason: entry.statusReason })
    }
    await trx.updateTable('bots').set({ data: JSON.stringify(latest) }).where('id', '=', row.id).execute()
  })
}
