import type { Db } from '../store/store.js'
import { prepared } from '../store/prepared.js'
import type { BotRuntime } from './bot-runtime.js'

/**
 * Where a bot or an integration answers. Today: the `url` it was created with (a dev bot or integration);
 * the dispatcher and the synchronous calls only ever send to the url found here, never to one from a request.
 */
export type Target = { url: string } | { missing: string }

const integrationRow = prepared<{ id: string }, { name: string; url: string | null }>((db, p) =>
  db.selectFrom('hubPackages').select(['name', 'url']).where('id', '=', p.id).where('kind', '=', 'integration'),
)

export function botTarget(bot: BotRuntime): Target {
  return bot.url ? { url: bot.url } : { missing: `bot "${bot.botId}" has no url: nothing runs it on this server` }
}

export async function integrationTarget(db: Db, integrationId: string): Promise<Target> {
  const [row] = (await integrationRow(db, { id: integrationId })).rows
  if (!row) return { missing: `integration "${integrationId}" doesn't exist` }
  return row.url ? { url: row.url } : { missing: `integration "${row.name}" has no url: nothing runs it on this server` }
}

