import { sql } from 'kysely'
import { balanced } from '../store/conditions.js'
import type { Db } from '../store/store.js'
import type { Tags } from './tags.js'

/**
 * The tags of users and conversations as rows (`userTags`, `conversationTags`, migration 016), kept in step with
 * their `tags` column by every write of it, in the same transaction. A get-or-create whose key finds nothing
 * searches the bot's records by tags: through these rows it reads only the records holding every tag asked
 * for, where a condition on the JSON column would read every record of the bot.
 */
const tagTables = {
  users: { index: 'userTags', owner: 'userId' },
  conversations: { index: 'conversationTags', owner: 'conversationId' },
} as const

export type TaggedTable = keyof typeof tagTables

type Tagged = { id: string; botId: string; tags: Tags }

/** Indexes the tags of a record just inserted. */
export async function indexTags(db: Db, table: TaggedTable, record: Tagged): Promise<void> {
  const { index, owner } = tagTables[table]
  const rows = Object.entries(record.tags).map(([name, value]) => ({ [owner]: record.id, botId: record.botId, name, value }) as never)
  if (rows.length) await db.insertInto(index).values(rows).execute()
}

/** Replaces what the index holds of a record whose tags were updated. */
export async function reindexTags(db: Db, table: TaggedTable, record: Tagged): Promise<void> {
  const { index, owner } = tagTables[table]
  await db.deleteFrom(index).where(owner, '=', record.id).execute()
  await indexTags(db, table, record)
}

/**
 * The ids of the bot's records holding every one of `tags` (at least one), found in the index alone. A query
 * that selects its records by these ids should name no other index of the table (its bot, its time): the planner
 * would then walk that one, reading every record of the bot to test each id, instead of fetching the few ids.
 */
export function taggedWith(db: Db, table: TaggedTable, botId: string, tags: Tags) {
  const { index, owner } = tagTables[table]
  const pairs = Object.entries(tags)
  return db
    .selectFrom(index)
    .select(owner)
    .where('botId', '=', botId)
    // Balanced, not a chain: SQLite parses a chain of 1000 ORs as an expression 1000 deep, past its limit.
    .where(balanced(pairs.map(([name, value]) => sql<boolean>`(${sql.ref('name')} = ${name} AND ${sql.ref('value')} = ${value})`), 'OR', sql<boolean>`1 = 0`))
    .groupBy(owner)
    .having((eb) => eb.fn.countAll(), '=', pairs.length)
}
