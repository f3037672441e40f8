import type { Services } from '../context.js'
import { retentionCutoff } from '../store/log-lines.js'

/** Settled deliveries and their attempts are kept as long as request records (`logRetentionDays`). */
export async function pruneDeliveries(services: Services): Promise<void> {
  const before = retentionCutoff(services)
  if (!before) return
  await services.store.db.deleteFrom('deliveries').where('status', 'in', ['delivered', 'failed', 'canceled']).where('updatedAt', '<', before).execute()
  await services.store.db.deleteFrom('deliveryAttempts').where('startedAt', '<', before).execute()
}
