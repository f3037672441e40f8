import type { Section } from '../handlers.js'
import { registerAuthRoutes } from './auth-routes.js'
import { refreshChatUrls, registerChatRoutes } from './chat.js'
import { sweepExpired } from './codes.js'
import { registerDashboard } from './dashboard.js'
import { registerDeliveryRoutes } from './deliveries.js'
import { liveHubOf, registerLiveRoutes } from './live.js'

/**
 * The web face's server side (../shared-web/WEB-CONTRACT.md): sign-in links and sessions, invitations, the live
 * stream, the runtime's deliveries, the built-in chat channel, and the dashboard's static files.
 */
export const webSection: Section = {
  name: 'web',
  async routes(app, services) {
    registerAuthRoutes(app, services)
    registerLiveRoutes(app, services)
    registerDeliveryRoutes(app, services)
    registerChatRoutes(app, services)
    await registerDashboard(app, services)
  },
  start(services) {
    refreshChatUrls(services).catch((err: unknown) => services.log?.warn({ err }, 'web: could not update the bpkit-chat url'))
  },
  sweep: sweepExpired,
  // A write answered by this process reaches the live streams it serves without waiting for the next poll.
  afterOperation({ ctx, status }) {
    if (status < 400 && !READ_ONLY.test(ctx.operation)) liveHubOf(ctx.services).nudge()
  },
}

const READ_ONLY = /^(get(?!OrCreate)|list|search|find|check|introspect|export)/
