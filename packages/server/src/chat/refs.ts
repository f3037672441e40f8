import type { Kysely, Selectable } from 'kysely'
import { notFound } from '../errors.js'
import type { Database } from '../store/database.js'
import type { Db } from '../store/store.js'
import { prepared } from '../store/prepared.js'

/** Chat tables whose rows have an `id` and belong to one bot. */
export type OwnedTable = 'users' | 'conversations' | 'messages' | 'events' | 'workflows' | 'tasks'

const labels: Record<OwnedTable, string> = {
  users: 'User',
  conversations: 'Conversation',
  messages: 'Message',
  events: 'Event',
  workflows: 'Workflow',
  tasks: 'Task',
}

const findQuery = (table: OwnedTable) =>
  prepared<{ id: string; botId: string }, unknown>((db, p) => (db as Kysely<any>).selectFrom(table).selectAll().where('id', '=', p.id).where('botId', '=', p.botId))

const findQueries = Object.fromEntries((Object.keys(labels) as OwnedTable[]).map((table) => [table, findQuery(table)])) as Record<OwnedTable, ReturnType<typeof findQuery>>

/** The bot's row `id` of `table`; a row of another bot is as absent as a missing one. */
export async function findOwned<T extends OwnedTable>(db: Db, table: T, botId: string, id: string): Promise<Selectable<Database[T]>> {
  const { rows } = await findQueries[table](db, { id, botId })
  if (!rows[0]) throw notFound(labels[table], id)
  return rows[0] as Selectable<Database[T]>
}

/** Deletes the bot's row `id` of `table`, or answers not found. */
export async function deleteOwned(db: Db, table: OwnedTable, botId: string, id: string): Promise<void> {
  const result = await (db as Kysely<any>).deleteFrom(table).where('id', '=', id).where('botId', '=', botId).executeTakeFirst()
  if (!result.numDeletedRows) throw notFound(labels[table], id)
}

export type Refs = Partial<Record<OwnedTable, string | undefined>>

/**
 * Checks in one query that every referenced record exists for the bot (a create that names a conversation,
 * a user, a parent task, ...), and answers not found for the first that doesn't.
 */
export async function requireRefs(db: Db, botId: string, refs: Refs): Promise<void> {
  const wanted = (Object.entries(refs) as [OwnedTable, string | undefined][]).filter((e): e is [OwnedTable, string] => e[1] !== undefined)
  if (!wanted.length) return
  const row = await (db as Kysely<any>)
    .selectNoFrom((eb) =>
      wanted.map(([table, id]) => eb.selectFrom(table).select('id').where('id', '=', id).where('botId', '=', botId).as(table)),
    )
    .executeTakeFirstOrThrow()
  for (const [table, id] of wanted) if (!row[table]) throw notFound(labels[table], id)
}
