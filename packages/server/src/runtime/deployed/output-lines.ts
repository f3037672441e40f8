/**
 * What a deployed bundle prints, read as the SDK writes it with `BP_LOG_FORMAT=json`: one JSON object a line,
 * `{ msg, options: { userId?, conversationId?, workflowId? } }`, on stdout for debug and info and on stderr for
 * warnings and errors (so a line's stream is its level); a line with `"type": "issue"` is an issue of the bot.
 * Anything else is a line of text, at the level of its stream.
 */
export type LogIds = { userId: string | null; conversationId: string | null; workflowId: string | null }
export type OutputLine =
  | ({ kind: 'log'; level: string; message: string } & LogIds)
  | { kind: 'issue'; code: string; category: string; title: string; description: string; data: Record<string, unknown> }

const MAX_LINE = 8 * 1024

export function readOutputLine(line: string, stream: 'stdout' | 'stderr'): OutputLine | undefined {
  const text = line.trimEnd().slice(0, MAX_LINE)
  if (!text) return undefined
  const level = stream === 'stderr' ? 'error' : 'info'
  const fallback: OutputLine = { kind: 'log', level, message: text, userId: null, conversationId: null, workflowId: null }
  if (!text.startsWith('{')) return fallback
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    return fallback
  }
  if (parsed.type === 'issue') {
    return {
      kind: 'issue',
      code: String(parsed.code ?? 'unknown'),
      category: String(parsed.category ?? 'user_code'),
      title: String(parsed.title ?? parsed.code ?? 'Issue'),
      description: String(parsed.description ?? ''),
      data: parsed.data && typeof parsed.data === 'object' ? (parsed.data as Record<string, unknown>) : {},
    }
  }
  const message = parsed.msg ?? parsed.message
  const options = (parsed.options && typeof parsed.options === 'object' ? parsed.options : {}) as Record<string, unknown>
  const id = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : null)
  return { kind: 'log', level, message: typeof message === 'string' ? message : text, userId: id('userId'), conversationId: id('conversationId'), workflowId: id('workflowId') }
}
