/** Tables of the members section (migration 007_members): preferences, the audit trail and task activities. */
export interface MembersTables {
  accountPreferences: {
    accountId: string
    key: string
    /** JSON text of the stored value. */
    value: string
    updatedAt: string
  }
  workspacePreferences: {
    workspaceId: string
    key: string
    /** JSON text of the stored value. */
    value: string
    updatedAt: string
  }
  auditRecords: {
    id: string
    workspaceId: string
    recordedAt: string
    /** The account that made the change; null for a bot or integration API key. */
    userId: string | null
    userEmail: string | null
    /** One of the spec's audit actions (`CREATE_BOT`, ...), `UNKNOWN` for the others. */
    action: string
    resourceId: string | null
    resourceName: string | null
    /** JSON: the operation and the few input fields worth keeping (role, name, handle, ...). */
    value: string | null
  }
  activities: {
    id: string
    botId: string
    taskId: string
    category: string
    description: string
    /** JSON object. */
    data: string
    createdAt: string
  }
}
