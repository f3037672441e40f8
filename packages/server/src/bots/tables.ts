/**
 * Tables of the bots section: what the server records about a bot while it answers its requests (log
 * lines, issues, action runs) and the bot's saved versions. All bot-owned (`botId`, cascading from `bots`).
 */
export interface BotsTables {
  /** The compact lines of the requests made for the bot (`getBotLogs`), a batch per row (store/log-lines.ts). */
  botLogBatches: {
    id: string
    botId: string
    firstTimestamp: string
    lastTimestamp: string
    /** JSON: `[timestamp, level, message, userId, conversationId, workflowId][]`, in the order recorded. */
    lines: string
  }
  /** Failed requests of a bot, grouped by operation and error type (`code`). */
  botIssues: {
    id: string
    botId: string
    code: string
    title: string
    description: string
    category: string
    /** JSON `{ key: { raw, pretty? } }`: what every event of the issue shares. */
    groupedData: string
    eventsCount: number
    createdAt: string
    lastSeenAt: string
  }
  botIssueEvents: {
    id: string
    issueId: string
    botId: string
    /** JSON `{ key: { raw, pretty? } }`: this occurrence (request id, status, message). */
    data: string
    createdAt: string
  }
  /** Saved snapshots of a bot's definition (`createBotVersion`, `deployBotVersion`). */
  botVersions: {
    id: string
    botId: string
    name: string
    description: string | null
    /** JSON: the bot definition (the `getBotJson` document) at the time of the snapshot. */
    definition: string
    createdAt: string
  }
  /** `callAction` requests made for the bot (`listActionRuns`). */
  actionRuns: {
    id: string
    botId: string
    timestamp: string
    integrationName: string
    actionType: string
    input: string
    output: string | null
    status: string
    durationMs: number
    errorMessage: string | null
  }
}
