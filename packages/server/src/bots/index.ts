import type { MaybePromise, OperationEvent, Section } from '../handlers.js'
import { botLogLines, pruneLogLines, retentionCutoff } from '../store/log-lines.js'
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
function recordBotRequest(event: OperationEvent): MaybePromise<void> {
  const botId = botOfRequest(event.ctx)
  return botId instanceof Promise ? botId.then((id) => recordForBot(id, event)) : recordForBot(botId, event)
}

function recordForBot(botId: string | undefined, { operation, status, ctx }: OperationEvent): MaybePromise<void> {
  if (!botId) return
  recordBotLog(botId, operation, status, ctx)
  if (status >= 400 || operation === 'callAction') return recordOutcome(botId, operation, status, ctx)
}

async function recordOutcome(botId: string, operation: string, status: number, ctx: OperationEvent['ctx']): Promise<void> {
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
  /** Drops what was recorded about requests older than the retention (`logRetentionDays`). */
  async sweep(services) {
    const before = retentionCutoff(services)
    if (!before) return
    await pruneLogLines(services, botLogLines, before)
    await services.store.db.deleteFrom('botIssueEvents').where('createdAt', '<', before).execute()
    await services.store.db.deleteFrom('actionRuns').where('timestamp', '<', before).execute()
  },
}
