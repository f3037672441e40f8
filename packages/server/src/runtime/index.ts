import type { Section } from '../handlers.js'
import { actionHandlers } from './actions.js'
import { registerWebhookRoutes } from './webhook-route.js'
import { registerTunnelRoutes } from './tunnel/tunnel-route.js'
import { pruneDeliveries } from './retention.js'
import { stopOrphanedCode } from './deployed/orphans.js'
import { Scheduler } from './scheduler.js'
import { perServer } from '../store/write-behind.js'
import type { Services } from '../context.js'

const schedulerOf = perServer((services: Services) => new Scheduler(services))

/**
 * The runtime: delivers what the API is told to the bots and integrations that should hear of it (the outbox
 * and its dispatcher), runs actions and webhooks through them, and fires what is scheduled.
 */
export const runtimeSection: Section = {
  name: 'runtime',
  handlers: actionHandlers,
  async routes(app, services) {
    await registerWebhookRoutes(app, services)
    await registerTunnelRoutes(app, services, services.runtime.tunnels)
  },
  start(services) {
    services.runtime.start()
    schedulerOf(services).start()
  },
  async close(services) {
    schedulerOf(services).stop()
    await services.runtime.stop()
  },
  async onBotsDeleted(services, botIds) {
    for (const botId of botIds) services.runtime.targets.runner.stop('bot', botId)
  },
  async sweep(services) {
    await pruneDeliveries(services)
    await stopOrphanedCode(services)
  },
}
