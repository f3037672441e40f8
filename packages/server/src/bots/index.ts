import type { OperationEvent, Section } from '../handlers.js'
import { actionRunHandlers, recordActionRun } from './action-runs.js'
import { botAllowlistHandlers } from './allowlist.js'
import { botAnalyticsHandlers } from './analytics.js'
import { botOfRequest } from './bot-of-request.js'
import { botIssueHandlers, recordBotIssue } from './issues.js'
import { botLogHandlers, flushBotLogs, recordBotLog } from './logs.js'
import { botTransferHandlers } from './transfer.js'
import { botVersionHandlers } from './versions.js'
import { botWebchatHandlers } from './webchat.js'

/** Writes what the server saw of a request made for a bot: its log line, its issue if it failed, its action run. */
async function recordBotRequest({ operation, status, ctx }: OperationEvent): Promise<void> {
  const botId = await botOfRequest(ctx)
  if (!botId) return
  recordBotLog(botId, operation, status, ctx)
  if (status >= 400) await recordBotIssue(botId, operation, status, ctx)
  if (operation === 'callAction') await recordActionRun(botId, status, ctx)
}

/**
 * Everything about a bot besides its definition (admin/bots.ts): transfer, versions and the bot JSON,
 * logs, issues, analytics, action runs, allowlist and webchat.
 */
export const botsSection: Section = {
  name: 'bots',
  handlers: {
    ...botTransferHandlers,
    ...botVersionHandlers,
    ...botLogHandlers,
    ...botIssueHandlers,
    ...botAnalyticsHandlers,
    ...actionRunHandlers,
    ...botAllowlistHandlers,
    ...botWebchatHandlers,
  },
  afterOperation: recordBotRequest,
  close: flushBotLogs,
}
