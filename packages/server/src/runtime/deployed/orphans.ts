import type { Services } from '../../context.js'
import { readData } from '../../admin/bot-model.js'

/**
 * Stops the processes whose bot or integration is gone or has no code any more (deleted by another process of
 * the database, or its code removed). A bot deleted through this process is stopped at once (`onBotsDeleted`).
 */
export async function stopOrphanedCode(services: Services): Promise<void> {
  const { runner } = services.runtime.targets
  const running = runner.running()
  if (!running.length) return
  const { db } = services.store
  const bots = running.filter((r) => r.kind === 'bot').map((r) => r.id)
  const integrations = running.filter((r) => r.kind === 'integration').map((r) => r.id)
  const live = new Set<string>()
  if (bots.length) {
    for (const row of await db.selectFrom('bots').select(['id', 'data']).where('id', 'in', bots).execute()) {
      if (readData(row).code) live.add(`bot:${row.id}`)
    }
  }
  if (integrations.length) {
    for (const row of await db.selectFrom('hubPackages').select(['id', 'code']).where('id', 'in', integrations).execute()) {
      if (row.code) live.add(`integration:${row.id}`)
    }
  }
  for (const r of running) if (!live.has(`${r.kind}:${r.id}`)) runner.stop(r.kind, r.id)
}
