import type { OperationEvent } from '../handlers.js'
import type { PublicHandlers } from '../handlers.js'
import type { Services } from '../context.js'
import { flushLogLines, integrationLogLines, levelOf, readLogLines, recordLogLine } from '../store/log-lines.js'
import { ownedPackage } from './store.js'

/** Records one log line per request an integration API key made, as that integration's logs. */
export function recordIntegrationRequest({ operation, status, ctx }: OperationEvent): void {
  if (ctx.principal.kind !== 'integration') return
  recordLogLine(ctx.services, integrationLogLines, {
    ownerId: ctx.principal.integrationId,
    timestamp: ctx.now(),
    level: levelOf(status),
    message: `${operation} answered ${status} (request ${ctx.requestId})`,
    userId: ctx.header('x-user-id') ?? null,
    conversationId: null,
    workflowId: null,
  })
}

/** Writes the integration log lines recorded so far (on the server's close). */
export const flushIntegrationLogs = (services: Services) => flushLogLines(services, integrationLogLines)

export const integrationLogHandlers: PublicHandlers = {
  getIntegrationLogs: async (input, ctx) => {
    const integration = await ownedPackage(ctx, 'integration', input.id)
    return readLogLines(ctx.services, integrationLogLines, integration.id, input)
  },
}
