import type { Kysely } from 'kysely'
import { isoTime } from '../clock.js'
import type { Services } from '../context.js'
import { newId, type IdKind } from '../ids.js'
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from './pagination.js'
import { perServer, WriteBehind } from './write-behind.js'

/**
 * The log lines the server records per request, for a bot (`getBotLogs`) or an integration
 * (`getIntegrationLogs`): both are written the same way and read with the same filters.
 *
 * Lines are stored in batches, one row per owner per write, not one row per line: a row per line (three
 * index entries, a ULID, a commit share) cost the server more than answering the request it logged. A
 * read walks an owner's batches newest first and filters their lines; batches are small (at most a
 * write-behind batch), and the walk stops as soon as the page is complete.
 */
export type LogLine = {
  timestamp: string
  level: string
  message: string
  userId: string | null
  conversationId: string | null
  workflowId: string | null
}

/** A log: its table of batches, the column naming its owner, the owner's table, and the kind of its batch ids. */
export type LogLineTable = { name: string; owner: string; ownerTable: string; idKind: IdKind }

export const botLogLines: LogLineTable = { name: 'botLogBatches', owner: 'botId', ownerTable: 'bots', idKind: 'botLog' }
export const integrationLogLines: LogLineTable = { name: 'integrationLogBatches', owner: 'integrationId', ownerTable: 'hubPackages', idKind: 'integrationLog' }

/** A line to record, for its owner. */
export type NewLogLine = LogLine & { ownerId: string }

type Batch = { id: string; firstTimestamp: string; lastTimestamp: string; lines: string }
type StoredLine = [timestamp: string, level: string, message: string, userId: string | null, conversationId: string | null, workflowId: string | null]

// Both tables have every column used here, but Kysely types a query per table: it sees them as one shape.
type LogTables = Kysely<Record<string, Batch & Record<string, string>>>

/** The filters of `getBotLogs` and `getIntegrationLogs`. */
export type LogLineQuery = {
  timeStart: string
  timeEnd?: string
  level?: string
  userId?: string
  conversationId?: string
  workflowId?: string
  messageContains?: string
  nextToken?: string
}

export const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info')

/** Writes lines as one batch per owner, leaving out the owners deleted since their requests. */
async function writeLines(services: Services, table: LogLineTable, lines: NewLogLine[]): Promise<void> {
  const byOwner = new Map<string, NewLogLine[]>()
  for (const line of lines) {
    const owned = byOwner.get(line.ownerId)
    if (owned) owned.push(line)
    else byOwner.set(line.ownerId, [line])
  }
  await services.store.transaction(async (trx) => {
    const db = trx as unknown as LogTables
    const owners = await db.selectFrom(table.ownerTable).select('id').where('id', 'in', [...byOwner.keys()]).execute()
    for (const { id: ownerId } of owners) {
      const owned = byOwner.get(ownerId)!
      let first = owned[0]!.timestamp
      let last = first
      for (const { timestamp } of owned) {
        if (timestamp < first) first = timestamp
        if (timestamp > last) last = timestamp
      }
      const stored = owned.map((l): StoredLine => [l.timestamp, l.level, l.message, l.userId, l.conversationId, l.workflowId])
      await db
        .insertInto(table.name)
        .values({ id: newId(table.idKind), [table.owner]: ownerId, firstTimestamp: first, lastTimestamp: last, lines: JSON.stringify(stored) })
        .execute()
    }
  })
}

/** Per server and log table, the lines not written yet: one insert per batch, off the request path. */
const pendingLines = perServer((services: Services) => {
  const writers = new Map<string, WriteBehind<NewLogLine>>()
  return (table: LogLineTable) => {
    let writer = writers.get(table.name)
    if (!writer) {
      writer = new WriteBehind<NewLogLine>(
        (lines) => writeLines(services, table, lines),
        (error) => process.emitWarning(`bpkit: ${table.name} lines were not written: ${(error as Error).message ?? error}`),
      )
      writers.set(table.name, writer)
    }
    return writer
  }
})

/** Records a line (written with the next batch). */
export const recordLogLine = (services: Services, table: LogLineTable, line: NewLogLine) => pendingLines(services)(table).add(line)

/** Writes the lines recorded so far (readers call it first; the server calls it on close). */
export const flushLogLines = (services: Services, table: LogLineTable) => pendingLines(services)(table).flush()

/**
 * The time before which request records are dropped by the sweeps, from `logRetentionDays`; undefined when
 * they are kept forever.
 */
export function retentionCutoff(services: Services): string | undefined {
  const days = services.config.logRetentionDays
  return days > 0 ? new Date(services.clock.now().getTime() - days * 86_400_000).toISOString() : undefined
}

/** Deletes the batches of lines all older than `before`. */
export async function pruneLogLines(services: Services, table: LogLineTable, before: string): Promise<void> {
  await (services.store.db as unknown as LogTables).deleteFrom(table.name).where('lastTimestamp', '<', before).execute()
}

/** Batches read per query while walking an owner's log. */
const BATCHES_PER_READ = 20

type KeyedLine = LogLine & { key: string }

/** Newest first; lines of the same instant by key (batch id, then place in the batch), also newest first. */
const newestFirst = (a: KeyedLine, b: KeyedLine) => (a.timestamp !== b.timestamp ? (a.timestamp < b.timestamp ? 1 : -1) : a.key < b.key ? 1 : a.key > b.key ? -1 : 0)

function lineFilter(input: LogLineQuery, from: string, to: string | undefined, cursor: { v: string | number; id: string } | undefined) {
  const term = input.messageContains?.toLowerCase()
  return (line: KeyedLine) =>
    line.timestamp >= from &&
    (to === undefined || line.timestamp <= to) &&
    (cursor === undefined || line.timestamp < cursor.v || (line.timestamp === cursor.v && line.key < cursor.id)) &&
    (input.level === undefined || line.level === input.level) &&
    (input.userId === undefined || line.userId === input.userId) &&
    (input.conversationId === undefined || line.conversationId === input.conversationId) &&
    (input.workflowId === undefined || line.workflowId === input.workflowId) &&
    (term === undefined || line.message.toLowerCase().includes(term))
}

/**
 * One page of an owner's log lines, newest first, as the API returns them; includes every line recorded so
 * far. `messageContains` matches regardless of case, on both stores.
 */
export async function readLogLines(services: Services, table: LogLineTable, ownerId: string, input: LogLineQuery, pageSize = DEFAULT_PAGE_SIZE) {
  await flushLogLines(services, table)
  const from = isoTime('timeStart', input.timeStart)
  const to = input.timeEnd === undefined ? undefined : isoTime('timeEnd', input.timeEnd)
  const cursor = input.nextToken ? decodeCursor(input.nextToken) : undefined
  const newest = [to, cursor && String(cursor.v)].filter((t): t is string => t !== undefined).sort()[0]
  const keep = lineFilter(input, from, to, cursor)
  const db = services.store.db as unknown as LogTables

  // Batches come newest last line first. Once the batches down to one whose last line is at T are read, a
  // line newer than T cannot be outranked by a line of a batch not read yet: the page is settled as soon
  // as its pageSize + 1 lines are all newer than T.
  let found: KeyedLine[] = []
  let after: { lastTimestamp: string; id: string } | undefined
  for (;;) {
    const batches = await db
      .selectFrom(table.name)
      .select(['id', 'firstTimestamp', 'lastTimestamp', 'lines'])
      .where(table.owner, '=', ownerId)
      .where('lastTimestamp', '>=', from)
      .$if(newest !== undefined, (q) => q.where('firstTimestamp', '<=', newest!))
      .$if(after !== undefined, (q) =>
        q.where((eb) => eb.or([eb('lastTimestamp', '<', after!.lastTimestamp), eb.and([eb('lastTimestamp', '=', after!.lastTimestamp), eb('id', '<', after!.id)])])),
      )
      .orderBy('lastTimestamp', 'desc')
      .orderBy('id', 'desc')
      .limit(BATCHES_PER_READ)
      .execute()
    for (const batch of batches) {
      ;(JSON.parse(batch.lines) as StoredLine[]).forEach(([timestamp, level, message, userId, conversationId, workflowId], i) => {
        const line = { key: `${batch.id}:${String(i).padStart(6, '0')}`, timestamp, level, message, userId, conversationId, workflowId }
        if (keep(line)) found.push(line)
      })
    }
    found = found.sort(newestFirst).slice(0, pageSize + 1)
    const last = batches[batches.length - 1]
    if (batches.length < BATCHES_PER_READ || !last) break
    after = { lastTimestamp: last.lastTimestamp, id: last.id }
    if (found.length > pageSize && found[pageSize]!.timestamp > last.lastTimestamp) break
  }
  const page = found.slice(0, pageSize)
  const next = found.length > pageSize ? page[page.length - 1] : undefined
  return {
    logs: page.map((l) => ({
      timestamp: l.timestamp,
      level: l.level,
      message: l.message,
      userId: l.userId ?? undefined,
      conversationId: l.conversationId ?? undefined,
      workflowId: l.workflowId ?? undefined,
    })),
    nextToken: next && encodeCursor({ v: next.timestamp, id: next.key }),
  }
}
