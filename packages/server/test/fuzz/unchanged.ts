/**
 * "A rejected request changes nothing": a fingerprint of the records a request could create, change or
 * delete (row counts and the latest timestamps of each table), read straight from the test server's store
 * before and after a request that is then answered 4xx. What the server records about every request
 * (usage counters, logs, audit records, activities) is left out, and so are the sweeps' deletions: rows
 * deleted for being expired are never the newest.
 */
import { sql } from 'kysely'
import type { TestServer } from '@bpkit/server'

const TABLES: Record<string, ('createdAt' | 'updatedAt')[]> = {
  accounts: ['createdAt', 'updatedAt'],
  accountPreferences: ['updatedAt'],
  workspaces: ['createdAt', 'updatedAt'],
  workspaceMembers: ['createdAt', 'updatedAt'],
  workspacePreferences: ['updatedAt'],
  tokens: ['createdAt'],
  bots: ['createdAt', 'updatedAt'],
  botVersions: ['createdAt'],
  hubPackages: ['createdAt', 'updatedAt'],
  integrationShareableIds: ['createdAt'],
  users: ['createdAt', 'updatedAt'],
  conversations: ['createdAt', 'updatedAt'],
  participants: ['createdAt'],
  messages: ['createdAt', 'updatedAt'],
  events: ['createdAt'],
  states: ['createdAt', 'updatedAt'],
  tasks: ['createdAt', 'updatedAt'],
  workflows: ['createdAt', 'updatedAt'],
  files: ['createdAt', 'updatedAt'],
  knowledgeBases: ['createdAt', 'updatedAt'],
  tables: ['createdAt', 'updatedAt'],
}
/** Tables whose rows a sweep deletes when they expire: their counts may drop between two fingerprints. */
const SWEPT = new Set(['states', 'files', 'events'])

const query = sql.raw(
  Object.entries(TABLES)
    .map(([table, columns]) => `SELECT '${table}' AS "t", ${SWEPT.has(table) ? '0' : 'COUNT(*)'} AS "n", ${columns.map((c) => `MAX("${c}")`).join(" || '|' || ")} AS "latest" FROM "${table}"`)
    .join(' UNION ALL '),
)

export type Fingerprint = string

export async function fingerprint(server: TestServer): Promise<Fingerprint> {
  const { rows } = await query.execute(server.server.store.db)
  return JSON.stringify((rows as { t: string; n: unknown; latest: unknown }[]).map((r) => [r.t, String(r.n), r.latest]))
}

/**
 * The tables whose fingerprint differs, empty when none does. A swept table only counts as changed when its
 * latest timestamp grew (a write), since a sweep may delete its newest expired row.
 */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const a = JSON.parse(before) as [string, string, string | null][]
  const b = new Map((JSON.parse(after) as [string, string, string | null][]).map(([t, n, latest]) => [t, { n, latest }]))
  return a
    .filter(([t, n, latest]) => {
      const now = b.get(t)!
      if (SWEPT.has(t)) return (now.latest ?? '') > (latest ?? '')
      return now.n !== n || now.latest !== latest
    })
    .map(([t]) => t)
}
