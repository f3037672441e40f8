import type { Kysely } from 'kysely'

const CHUNK = 500

/**
 * The tags of users and conversations, one row per tag, indexed by bot, name and value: what a get-or-create
 * whose lookup key finds nothing searches (chat/tag-index.ts), instead of reading the tags of every user or
 * conversation of the bot. Filled from the rows already stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const { table, index, owner } of TAGGED) {
    await db.schema
      .createTable(index)
      .addColumn(owner, 'text', (c) => c.notNull().references(`${table}.id`).onDelete('cascade'))
      .addColumn('botId', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${index}_pk`, [owner, 'name'])
      .execute()
    await db.schema.createIndex(`${index}_value`).on(index).columns(['botId', 'name', 'value', owner]).execute()
    let after = ''
    for (;;) {
      const rows = (await db.selectFrom(table).select(['id', 'botId', 'tags']).where('id', '>', after).orderBy('id').limit(CHUNK).execute()) as { id: string; botId: string; tags: string }[]
      if (!rows.length) break
      const tags = rows.flatMap((row) => tagRows(row.tags).map(([name, value]) => ({ [owner]: row.id, botId: row.botId, name, value })))
      for (let i = 0; i < tags.length; i += CHUNK) await db.insertInto(index).values(tags.slice(i, i + CHUNK)).execute()
      after = rows.at(-1)!.id
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { index } of TAGGED) await db.schema.dropTable(index).execute()
}

const TAGGED = [
  { table: 'users', index: 'userTags', owner: 'userId' },
  { table: 'conversations', index: 'conversationTags', owner: 'conversationId' },
] as const

/** The string-valued tags of a stored `tags` column (the only ones a tag search can match). */
function tagRows(text: string): [string, string][] {
  try {
    const tags = JSON.parse(text) as Record<string, unknown>
    return Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  } catch {
    return []
  }
}
