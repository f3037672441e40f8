/**
 * Tables of the chat runtime. Every table is bot-owned (`botId`, cascading from `bots`); tags, payloads and
 * other JSON objects are stored as text. `lookupKey` is the unique key get-or-create operations claim so that
 * concurrent callers asking for the same record get one row (see lookup.ts).
 */
export interface ChatTables {
  users: {
    id: string
    botId: string
    name: string | null
    pictureUrl: string | null
    tags: string
    lookupKey: string | null
    createdAt: string
    updatedAt: string
  }
  conversations: {
    id: string
    botId: string
    channel: string
    integration: string
    tags: string
    currentTaskId: string | null
    currentWorkflowId: string | null
    lookupKey: string | null
    createdAt: string
    updatedAt: string
  }
  participants: {
    botId: string
    conversationId: string
    userId: string
    createdAt: string
  }
  messages: {
    id: string
    botId: string
    conversationId: string
    userId: string
    type: string
    payload: string
    direction: string
    origin: string | null
    tags: string
    lookupKey: string | null
    createdAt: string
    updatedAt: string
  }
  /** One row per tag of a user (chat/tag-index.ts). */
  userTags: { userId: string; botId: string; name: string; value: string }
  /** One row per tag of a conversation (chat/tag-index.ts). */
  conversationTags: { conversationId: string; botId: string; name: string; value: string }
  events: {
    id: string
    botId: string
    type: string
    payload: string
    conversationId: string | null
    userId: string | null
    messageId: string | null
    workflowId: string | null
    /** pending | processed | ignored | failed | scheduled | canceled; a scheduled event is due at `scheduledFor`. */
    status: string
    failureReason: string | null
    scheduledFor: string | null
    createdAt: string
  }
  states: {
    id: string
    botId: string
    type: string
    /** The id of the bot, user, conversation, task, workflow or integration the state belongs to. */
    ownerId: string
    name: string
    payload: string
    /** Idle expiry in milliseconds (null: never expires); `expiresAt` moves forward on every write. */
    expiry: number | string | null
    expiresAt: string | null
    createdAt: string
    updatedAt: string
  }
  workflows: {
    id: string
    botId: string
    name: string
    status: string
    input: string
    output: string
    parentWorkflowId: string | null
    conversationId: string | null
    userId: string | null
    tags: string
    failureReason: string | null
    timeoutAt: string
    completedAt: string | null
    lookupKey: string | null
    createdAt: string
    updatedAt: string
  }
  tasks: {
    id: string
    botId: string
    title: string
    description: string
    type: string
    data: string
    status: string
    parentTaskId: string | null
    conversationId: string | null
    userId: string | null
    tags: string
    failureReason: string | null
    timeoutAt: string
    createdAt: string
    updatedAt: string
  }
  analytics: {
    id: string
    botId: string
    name: string
    count: number | string
    createdAt: string
  }
}
