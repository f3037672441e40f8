import type { PublicHandlers } from '../handlers.js'
import type { RequestContext, Services } from '../context.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { botLogLines, flushLogLines, levelOf, readLogLines, recordLogLine } from '../store/log-lines.js'
import { factsOf, type RequestFacts } from './request-facts.js'

/** The compact log line of one request: `createMessage 200 12ms req_…`, plus the error when it failed. */
function logMessage(operation: string, status: number, ctx: RequestContext, facts: RequestFacts): string {
  const line = `${operation} ${status} ${Date.now() - facts.startedAt}ms ${ctx.requestId}`
  return facts.error ? `${line} ${facts.error.type}: ${facts.error.message}` : line
}

/** Records the bot's log line for a request made for it (written with the next batch). */
export function recordBotLog(botId: string, operation: string, status: number, ctx: RequestContext): void {
  const facts = factsOf(ctx)
  recordLogLine(ctx.services, botLogLines, {
    ownerId: botId,
    timestamp: ctx.now(),
    level: levelOf(status),
    message: logMessage(operation, status, ctx, facts),
    userId: facts.userId ?? null,
    conversationId: facts.conversationId ?? null,
    workflowId: facts.workflowId ?? null,
  })
}

/** Writes the bot log lines recorded so far (on the server's close). */
export const flushBotLogs = (services: Services) => flushLogLines(services, botLogLines)

export const botLogHandlers: PublicHandlers = {
  async getBotLogs(input, ctx) {
    const bot = await botOfWorkspace(ctx, input.id)
    return readLogLines(ctx.services, botLogLines, bot.id, input, 100)
  },
}
