import type { Db } from '../store/store.js'
import { readData, type BotData } from '../admin/bot-model.js'
import { prepared } from '../store/prepared.js'
import { installedIdsOf } from '../integrations/installs.js'

/** An integration installed on a bot, as the runtime calls it. */
export type Installation = {
  alias: string
  integrationId: string
  /** The integration's name (`conversation.integration` of the conversations it owns). */
  name: string
  enabled: boolean
  configuration: unknown
  configurationType: string | null
  webhookId: string
}

/** What the runtime needs of a bot to deliver to it and to its integrations. */
export type BotRuntime = {
  botId: string
  workspaceId: string
  /** Where the bot answers (a dev bot's `url`), if it has one. */
  url?: string
  /** Its deployed bundle, if it has one (run by the runtime when it has no `url`). */
  code?: string
  /** Whether anything runs the bot (a `url` or `code`): whether there is any point in delivering to it. */
  runnable: boolean
  configuration: unknown
  /** `subscriptions.events`: null is every event. */
  subscribedEvents: Record<string, unknown> | null
  installations: Installation[]
  /** The ids of the integrations it installs, however its definition keys them (what an integration key may act on). */
  integrationIds: string[]
  data: BotData
}

const botVersion = prepared<{ id: string }, { updatedAt: string }>((db, p) => db.selectFrom('bots').select('updatedAt').where('id', '=', p.id))
const botRow = prepared<{ id: string }, { id: string; workspaceId: string; data: string; updatedAt: string }>((db, p) =>
  db.selectFrom('bots').select(['id', 'workspaceId', 'data', 'updatedAt']).where('id', '=', p.id),
)

type Installed = NonNullable<BotData['integrations']>[string]

/** The runtime's view of one entry of a bot's `integrations`. */
export const asInstallation = (alias: string, entry: Installed): Installation => ({
  alias,
  integrationId: entry.id,
  name: entry.name,
  enabled: entry.enabled !== false,
  configuration: entry.configuration ?? {},
  configurationType: entry.configurationType ?? null,
  webhookId: entry.webhookId,
})

function toRuntime(row: { id: string; workspaceId: string; data: string }): BotRuntime {
  const data = readData(row)
  const installations = Object.entries(data.integrations ?? {}).map(([alias, entry]) => asInstallation(alias, entry))
  return {
    botId: row.id,
    workspaceId: row.workspaceId,
    url: data.url || undefined,
    code: data.code || undefined,
    runnable: !!(data.url || data.code),
    configuration: data.configuration?.data ?? {},
    subscribedEvents: data.subscriptions?.events ?? null,
    installations,
    integrationIds: installedIdsOf(data, 'integration'),
    data,
  }
}

// Bot definitions are read on every message; parsing one costs more than the lookup, so a parsed definition
// is kept while the bot's `updatedAt` (read on each use, so another process's update is seen at once) stays.
const cache = new Map<string, { updatedAt: string; runtime: BotRuntime }>()
const CACHE_LIMIT = 1_000

/** The bot's runtime view, or undefined when the bot is gone. */
export async function loadBotRuntime(db: Db, botId: string): Promise<BotRuntime | undefined> {
  const cached = cache.get(botId)
  if (cached) {
    const [version] = (await botVersion(db, { id: botId })).rows
    if (!version) return undefined
    if (version.updatedAt === cached.updatedAt) return cached.runtime
  }
  const [row] = (await botRow(db, { id: botId })).rows
  if (!row) return undefined
  const runtime = toRuntime(row)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(botId, { updatedAt: row.updatedAt, runtime })
  return runtime
}

/** The enabled installation that owns conversations of `integrationName`. */
export const installationNamed = (bot: BotRuntime, integrationName: string) =>
  bot.installations.find((i) => i.enabled && i.name === integrationName)

export const installationOf = (bot: BotRuntime, integrationId: string, alias?: string) =>
  bot.installations.find((i) => i.integrationId === integrationId && (alias === undefined || i.alias === alias))
