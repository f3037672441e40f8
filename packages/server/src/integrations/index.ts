import type { Section } from '../handlers.js'
import { assetRoutes } from './assets.js'
import { hubHandlers } from './hub.js'
import { integrationHandlers } from './integrations.js'
import { interfaceHandlers } from './interfaces.js'
import { integrationKeyHandlers } from './keys.js'
import { flushIntegrationLogs, integrationLogHandlers, recordIntegrationRequest } from './logs.js'
import { integrationLogLines, pruneLogLines, retentionCutoff } from '../store/log-lines.js'
import { pluginHandlers } from './plugins.js'
import { shareableIdHandlers } from './shareable.js'

/**
 * Integrations, interfaces and plugins: their definitions and versions, the public hub of this server,
 * integration API keys, shareable ids and integration logs.
 */
export const integrationsSection: Section = {
  name: 'integrations',
  handlers: {
    ...integrationHandlers,
    ...integrationKeyHandlers,
    ...integrationLogHandlers,
    ...shareableIdHandlers,
    ...interfaceHandlers,
    ...pluginHandlers,
    ...hubHandlers,
  },
  routes: assetRoutes,
  afterOperation: recordIntegrationRequest,
  close: flushIntegrationLogs,
  /** Drops the log lines older than the retention (`logRetentionDays`). */
  async sweep(services) {
    const before = retentionCutoff(services)
    if (before) await pruneLogLines(services, integrationLogLines, before)
  },
}
