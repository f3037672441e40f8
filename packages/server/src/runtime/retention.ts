import type { Services } from '../context.js'
import { retentionCutoff } from '../store/log-lines.js'

/**
 * Settled deliveries and their attempts are kept as long as request records (`logRetentionDays`). Each bot's
 * are found by its `(botId, updatedAt)` / `(botId, startedAt)` index, so a sweep reads only what it deletes.
 */
export async function pruneDeliveries(services: Services): Promise<void> {
  const before = retentionCutoff(services)
  if (!before) return
  const { db } = services.store
  const bots = await db.selectFrom('bots').select('id').execute()
  for (const { id } of bots) {
    await db.deleteFrom('deliveries').where('botId', '=', id).where('updatedAt', '<', before).where('status', 'in', ['delivered', 'failed', 'canceled']).execute()
    await db.deleteFrom('deliveryAttempts').where('botId', '=', id).where('startedAt', '<', before).execute()
  }
}
