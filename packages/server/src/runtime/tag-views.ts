import type { PublicHandlers } from '../handlers.js'
import type { RequestContext } from '../context.js'

/**
 * An integration names its tags without a prefix (`chatId`); the bot sees them as `<alias>:chatId`, which is how
 * they are stored. These are the two directions of that view, applied to what an integration sends and reads.
 */
type Tags = Record<string, string>
type Tagged = { tags?: Tags }

/** An integration's tags as stored: its own keys get its alias as prefix (a key with a colon is left as it is). */
export function storedTags(alias: string, tags: Tags | undefined): Tags | undefined {
  if (!tags) return tags
  const stored: Tags = {}
  for (const [key, value] of Object.entries(tags)) stored[key.includes(':') ? key : `${alias}:${key}`] = value
  return stored
}

/** Stored tags as the integration sees them: its own unprefixed, the bot's unprefixed ones as they are, other integrations' hidden. */
export function integrationTags(alias: string, tags: Tags): Tags {
  const prefix = `${alias}:`
  const seen: Tags = {}
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith(prefix)) seen[key.slice(prefix.length)] = value
    else if (!key.includes(':') && !(key in seen)) seen[key] = value
  }
  return seen
}

/** A user, conversation or message as the integration of `alias` sees it. */
export const integrationView =
  (alias: string) =>
  <T extends Tagged>(record: T): T =>
    record.tags ? { ...record, tags: integrationTags(alias, record.tags) } : record

const RECORD_KEYS = ['user', 'conversation', 'message', 'participant'] as const
const LIST_KEYS = ['users', 'conversations', 'messages', 'participants'] as const

function viewOutput(alias: string, output: unknown): unknown {
  if (!output || typeof output !== 'object') return output
  const view = integrationView(alias)
  const result = { ...(output as Record<string, unknown>) }
  for (const key of RECORD_KEYS) if (result[key] && typeof result[key] === 'object') result[key] = view(result[key] as Tagged)
  for (const key of LIST_KEYS) if (Array.isArray(result[key])) result[key] = (result[key] as Tagged[]).map(view)
  return result
}

function storedInput(alias: string, input: Record<string, unknown>): Record<string, unknown> {
  const result = { ...input }
  if (result.tags && typeof result.tags === 'object') result.tags = storedTags(alias, result.tags as Tags)
  if (Array.isArray(result.discriminateByTags)) {
    result.discriminateByTags = (result.discriminateByTags as string[]).map((key) => (key.includes(':') ? key : `${alias}:${key}`))
  }
  return result
}

/**
 * Wraps chat handlers so that a request acting as an integration writes and reads tags through its view.
 * Requests of bots and members pass through unchanged.
 */
export function withIntegrationTagViews(handlers: PublicHandlers): PublicHandlers {
  const wrapped: Record<string, unknown> = {}
  for (const [operation, handler] of Object.entries(handlers)) {
    const run = handler as (input: Record<string, unknown>, ctx: RequestContext) => Promise<unknown>
    wrapped[operation] = async (input: Record<string, unknown>, ctx: RequestContext) => {
      const alias = ctx.principal.kind === 'integration' ? await ctx.integrationAlias() : undefined
      if (!alias) return run(input, ctx)
      return viewOutput(alias, await run(storedInput(alias, input), ctx))
    }
  }
  return wrapped as PublicHandlers
}
