/**
 * API calls counted per workspace, bot and UTC day (`botId` is '' for calls that act on no bot). Kept when
 * a bot is deleted (the calls were made), removed with the workspace.
 */
export interface UsageTables {
  apiCallCounts: {
    workspaceId: string
    botId: string
    /** `YYYY-MM-DD` (UTC). */
    day: string
    calls: number
  }
}
