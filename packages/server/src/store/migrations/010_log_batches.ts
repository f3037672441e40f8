import type { Kysely } from 'kysely'

/** The two log tables, each replaced by a table of batches of lines (see store/log-lines.ts). */
const logs = [
  { lines: 'botLogs', batches: 'botLogBatches', owner: 'botId', ownerTable: 'bots', idPrefix: 'blog' },
  { lines: 'integrationLogs', batches: 'integrationLogBatches', owner: 'integrationId', ownerTable: 'hubPackages', idPrefix: 'ilog' },
]

const LINES_PER_BATCH = 500

type OldLine = { id: string; timestamp: string; level: string; message: string; userId: string | null; conversationId: string | null; workflowId: string | null }

const READ_PAGE = 5_000

/**
 * Log lines are stored as batches (one row per owner per write): a row per line cost more to write than the
 * request it logs. The lines recorded so far are carried over, in batches of their owner and time order,
 * all in one transaction (SQLite runs migrations outside one), so a start interrupted here starts over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) await replaceLogTables(db)
  else await db.transaction().execute(replaceLogTables)
}

async function replaceLogTables(db: Kysely<any>): Promise<void> {
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name))
  for (const log of logs) {
    await db.schema
      .createTable(log.batches)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn(log.owner, 'text', (c) => c.notNull().references(`${log.ownerTable}.id`).onDelete('cascade'))
      .addColumn('firstTimestamp', 'text', (c) => c.notNull())
      .addColumn('lastTimestamp', 'text', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex(`${log.batches}_owner_last`).on(log.batches).columns([log.owner, 'lastTimestamp']).execute()
    if (!existing.has(log.lines)) continue
    await carryOver(db, log)
    await db.schema.dropTable(log.lines).execute()
  }
}

/** Reads the old lines page by page, in owner and time order, and writes them as batches of one owner. */
async function carryOver(db: Kysely<any>, log: (typeof logs)[number]): Promise<void> {
  let pending: (OldLine & Record<string, string>)[] = []
  const writeBatch = async (chunk: (OldLine & Record<string, string>)[]) => {
    await db
      .insertInto(log.batches)
      .values({
        id: `${log.idPrefix}_${chunk[0]!.id.slice(chunk[0]!.id.indexOf('_') + 1)}`,
        [log.owner]: chunk[0]![log.owner],
        firstTimestamp: chunk[0]!.timestamp,
        lastTimestamp: chunk[chunk.length - 1]!.timestamp,
        lines: JSON.stringify(chunk.map((l) => [l.timestamp, l.level, l.message, l.userId, l.conversationId, l.workflowId])),
      })
      .execute()
  }
  let after: OldLine & Record<string, string> | undefined
  for (;;) {
    const page = (await db
      .selectFrom(log.lines)
      .selectAll()
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb.or([
            eb(log.owner, '>', after![log.owner]),
            eb.and([eb(log.owner, '=', after![log.owner]), eb('timestamp', '>', after!.timestamp)]),
            eb.and([eb(log.owner, '=', after![log.owner]), eb('timestamp', '=', after!.timestamp), eb('id', '>', after!.id)]),
          ]),
        ),
      )
      .orderBy(log.owner)
      .orderBy('timestamp')
      .orderBy('id')
      .limit(READ_PAGE)
      .execute()) as (OldLine & Record<string, string>)[]
    for (const line of page) {
      if (pending.length && (pending.length === LINES_PER_BATCH || pending[0]![log.owner] !== line[log.owner])) {
        await writeBatch(pending)
        pending = []
      }
      pending.push(line)
    }
    if (page.length < READ_PAGE) break
    after = page[page.length - 1]
  }
  if (pending.length) await writeBatch(pending)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const log of logs) await db.schema.dropTable(log.batches).ifExists().execute()
}
