import type { RequestContext } from '../context.js'
import type { Bot } from '../admin/bot-model.js'
import type { Db } from '../store/store.js'
import { asInstallation } from './bot-runtime.js'
import { answerMessage } from './transport.js'

type Installed = Bot['integrations'][string]
type Installs = Record<string, Installed>
type Status = Pick<Installed, 'status' | 'statusReason'>

const isLive = (entry: Installed | undefined) => !!entry && entry.enabled !== false

/** Whether an installation needs `register`: new, enabled again, another integration, or configured anew. */
function needsRegister(before: Installed | undefined, after: Installed): boolean {
  if (!isLive(after)) return false
  if (!isLive(before) || before!.id !== after.id) return true
  return JSON.stringify([before!.configuration, before!.configurationType]) !== JSON.stringify([after.configuration, after.configurationType])
}

async function tell(ctx: RequestContext, botId: string, alias: string, entry: Installed, operation: 'register' | 'unregister'): Promise<Status> {
  const result = await ctx.services.runtime.invokeIntegration(botId, asInstallation(alias, entry), operation, { webhookUrl: entry.webhookUrl })
  const done = operation === 'register' ? 'registered' : 'unregistered'
  const failed = operation === 'register' ? 'registration_failed' : 'unregistration_failed'
  if (result.kind === 'missing') return { status: operation === 'register' ? 'registration_pending' : 'unregistered', statusReason: result.reason }
  if (result.kind === 'unreachable') return { status: failed, statusReason: `integration "${entry.name}" could not be reached: ${result.reason}` }
  if (result.status >= 300) return { status: failed, statusReason: `integration "${entry.name}" answered ${result.status}: ${answerMessage(result.body)}` }
  return { status: done, statusReason: null }
}

/**
 * Tells integrations what `updateBot` changed before it answers: `register` (with the webhook URL) to an
 * installation that is new, enabled again or configured anew, `unregister` to one removed or disabled.
 * Returns the installs with each one's `status` and `statusReason` as they came out.
 */
export async function registerInstalls(ctx: RequestContext, botId: string, before: Installs, after: Installs): Promise<Installs> {
  const result = { ...after }
  const calls: Promise<void>[] = []
  for (const [alias, entry] of Object.entries(after)) {
    const previous = before[alias]
    if (needsRegister(previous, entry)) {
      if (isLive(previous) && previous!.id !== entry.id) calls.push(tell(ctx, botId, alias, previous!, 'unregister').then(() => undefined))
      calls.push(tell(ctx, botId, alias, entry, 'register').then((status) => void (result[alias] = { ...entry, ...status })))
    } else if (isLive(previous) && !isLive(entry)) {
      calls.push(tell(ctx, botId, alias, previous!, 'unregister').then((status) => void (result[alias] = { ...entry, ...status })))
    }
  }
  for (const [alias, entry] of Object.entries(before)) {
    if (!(alias in after) && isLive(entry)) calls.push(tell(ctx, botId, alias, entry, 'unregister').then(() => undefined))
  }
  await Promise.all(calls)
  return result
}

/** Keeps the webhook routes of a bot's installations in step with its installs. */
export async function syncWebhooks(db: Db, botId: string, installs: Installs): Promise<void> {
  await db.deleteFrom('webhooks').where('botId', '=', botId).execute()
  const rows = Object.entries(installs).map(([alias, entry]) => ({ webhookId: entry.webhookId, botId, alias, integrationId: entry.id }))
  if (rows.length) await db.insertInto('webhooks').values(rows).execute()
}
