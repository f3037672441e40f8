import type { RequestContext } from '../context.js'

/** What the bot's log line and issue events say about a request, besides its operation and status. */
export type RequestFacts = {
  startedAt: number
  userId?: string
  conversationId?: string
  workflowId?: string
  /** A `callAction` request's action. */
  action?: { type: string; input: unknown }
  error?: { type: string; message: string }
}

const idField = (input: Record<string, unknown>, ...names: string[]) => {
  for (const name of names) if (typeof input[name] === 'string') return input[name] as string
  return undefined
}

/** The ids a request's log line is filtered by, and the error it failed with, read from its context. */
export function factsOf(ctx: RequestContext): RequestFacts {
  const input = ctx.input ?? {}
  const isA = (prefix: string) => (typeof input.id === 'string' && input.id.startsWith(prefix) ? input.id : undefined)
  return {
    startedAt: ctx.startedAt,
    userId: idField(input, 'userId') ?? isA('user_'),
    conversationId: idField(input, 'conversationId') ?? isA('conv_'),
    workflowId: idField(input, 'workflowId') ?? isA('wfl_'),
    action: ctx.operation === 'callAction' ? { type: String(input.type), input: input.input ?? {} } : undefined,
    error: ctx.error,
  }
}
