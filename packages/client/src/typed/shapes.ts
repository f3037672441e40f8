/**
 * The plain TypeScript description of a bot or an integration: what `BotSpecificClient<TBot>` and
 * `IntegrationSpecificClient<TIntegration>` narrow by. Write it by hand, infer it from a definition with zod
 * schemas (`defineBot`), or generate it from a server (`bpkit gen`).
 */

export type BotStateType = 'conversation' | 'user' | 'bot' | 'task' | 'workflow'
export type IntegrationStateType = 'conversation' | 'user' | 'integration'

export type ActionShape = { input: object; output: object }

export type ChannelShape = {
  /** Message types by name, each its payload. */
  messages: Record<string, object>
  /** Tag names of the channel's conversations and messages. */
  tags?: { conversation?: string; message?: string }
}

export type IntegrationShape = {
  actions?: Record<string, ActionShape>
  channels?: Record<string, ChannelShape>
  /** Event payloads by event name. */
  events?: Record<string, object>
  states?: Record<string, { type: IntegrationStateType; payload: object }>
  entities?: Record<string, object>
  tags?: { user?: string }
}

export type BotShape = {
  states?: Record<string, { type: BotStateType; payload: object }>
  /** Event payloads by event name. */
  events?: Record<string, object>
  actions?: Record<string, ActionShape>
  /** Tag names of the bot's users, conversations and messages. */
  tags?: { user?: string; conversation?: string; message?: string }
  /** Row shapes by table name. */
  tables?: Record<string, object>
  workflows?: Record<string, { input: object; output: object }>
  /** Installed integrations by alias. */
  integrations?: Record<string, IntegrationShape>
}
