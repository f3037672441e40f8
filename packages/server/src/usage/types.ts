import type { PublicApi } from '@bpkit/spec'

export type UsageType = PublicApi.Usage['type']

/**
 * What each of the spec's usage types measures on this server. `bot` types are measured per bot (the usage
 * `id` is a bot id), `workspace` types per workspace. `flow` types count what happened during the period
 * (a month); `gauge` types are what is stored now, the same whatever the period.
 */
export const usageTypes: Record<UsageType, { scope: 'bot' | 'workspace'; kind: 'flow' | 'gauge'; measures: string }> = {
  invocation_calls: { scope: 'bot', kind: 'flow', measures: 'messages and events created for the bot' },
  invocation_timeout: { scope: 'bot', kind: 'flow', measures: 'always 0: this server runs no bot code, so nothing times out' },
  storage_count: { scope: 'bot', kind: 'gauge', measures: "bytes of the bot's files" },
  knowledgebase_vector_storage: { scope: 'bot', kind: 'gauge', measures: "bytes of the bot's indexed files" },
  indexed_file_count: { scope: 'bot', kind: 'gauge', measures: "the bot's indexed files" },
  file_max_size_bytes: { scope: 'bot', kind: 'gauge', measures: "bytes of the bot's largest file" },
  table_row_count: { scope: 'bot', kind: 'gauge', measures: "rows of the bot's tables" },
  bot_count: { scope: 'workspace', kind: 'gauge', measures: 'bots of the workspace' },
  always_alive: { scope: 'workspace', kind: 'gauge', measures: 'bots of the workspace with alwaysAlive' },
  workspace_member_count: { scope: 'workspace', kind: 'gauge', measures: 'members of the workspace' },
  integrations_owned_count: { scope: 'workspace', kind: 'gauge', measures: 'integrations (by name) the workspace publishes' },
  workspace_ratelimit: { scope: 'workspace', kind: 'flow', measures: 'API calls made in the workspace' },
  ai_spend: { scope: 'workspace', kind: 'flow', measures: 'always 0: this server calls no AI service' },
  openai_spend: { scope: 'workspace', kind: 'flow', measures: 'always 0: this server calls no AI service' },
  bing_search_spend: { scope: 'workspace', kind: 'flow', measures: 'always 0: this server calls no search service' },
}

export const allUsageTypes = Object.keys(usageTypes) as UsageType[]

export const isUsageType = (type: string): type is UsageType => Object.hasOwn(usageTypes, type)
