import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database.js'
import { parseJson } from '../store/json.js'

type Db = Kysely<Database>

type InstalledEntry = { id?: unknown; integrationId?: unknown } | null

/**
 * What a bot installs, read from its definition in `bots.data`: `integrations` is keyed by alias (entries
 * carry the integration's `id` or the `integrationId` of the create/update input) or, without an id, by the
 * integration id itself; `plugins` entries carry the plugin's `id`.
 */
export function installedIds(data: string, kind: 'integration' | 'plugin'): string[] {
  return installedIdsOf(parseJson<InstalledData>(data, {}), kind)
}

type InstalledData = { integrations?: Record<string, InstalledEntry>; plugins?: Record<string, InstalledEntry> }

/** `installedIds` of a definition already parsed. */
export function installedIdsOf(parsed: InstalledData, kind: 'integration' | 'plugin'): string[] {
  const entries = Object.entries((kind === 'integration' ? parsed.integrations : parsed.plugins) ?? {})
  return entries.flatMap(([key, entry]) => {
    if (!entry) return []
    const id = entry.id ?? entry.integrationId ?? (kind === 'integration' ? key : undefined)
    return typeof id === 'string' ? [id] : []
  })
}

/** The alias-to-integration-id map of a bot's installed integrations. */
export function installedIntegrationAliases(data: string): Map<string, string> {
  const parsed = parseJson<{ integrations?: Record<string, InstalledEntry> }>(data, {})
  const aliases = new Map<string, string>()
  for (const [alias, entry] of Object.entries(parsed.integrations ?? {})) {
    const id = entry?.id ?? entry?.integrationId ?? alias
    if (typeof id === 'string') aliases.set(alias, id)
  }
  return aliases
}

/**
 * The bots (of any workspace) that install `id`. A cheap text match on `bots.data` narrows the scan,
 * then each candidate's definition is read to confirm.
 */
export async function botsInstalling(db: Db, kind: 'integration' | 'plugin', id: string): Promise<{ id: string; workspaceId: string }[]> {
  const candidates = await db
    .selectFrom('bots')
    .select(['id', 'workspaceId', 'data'])
    .where('data', 'like', `%${id}%`)
    .execute()
  return candidates.filter((bot) => installedIds(bot.data, kind).includes(id)).map(({ id, workspaceId }) => ({ id, workspaceId }))
}

/** SQL for the number of bots whose definition mentions the row's id: the install count the hub sorts by. */
export const installCountSql = (idColumn: string) =>
  sql<number>`(select cast(count(*) as integer) from ${sql.table('bots')} where ${sql.ref('bots.data')} like '%' || ${sql.ref(idColumn)} || '%')`
