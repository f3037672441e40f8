import type { Kysely } from 'kysely'
import { isoTime } from '../clock.js'
import type { Services } from '../context.js'
import { newId, type IdKind } from '../ids.js'
import { paginate } from './pagination.js'
import { contains } from './like.js'
import { perServer, WriteBehind } from './write-behind.js'
import { insertRows } from './insert-rows.js'

/**
 * The log lines the server records per request, for a bot (`botLogs`) or an integration (`integrationLogs`):
 * both tables have these columns besides the owner's id, are written the same way (in batches, off the
 * request path) and read with the same filters.
 */
export type LogLine = {
  id: string
  timestamp: string
  level: string
  message: string
  userId: string | null
  conversationId: string | null
  workflowId: string | null
}

/** A log table: its name, the column naming its owner, the owner's table, and the kind of its line ids. */
export type LogLineTable = { name: string; owner: string; ownerTable: string; idKind: IdKind }

export const botLogLines: LogLineTable = { name: 'botLogs', owner: 'botId', ownerTable: 'bots', idKind: 'botLog' }
export const integrationLogLines: LogLineTable = { name: 'integrationLogs', owner: 'integrationId', ownerTable: 'hubPackages', idKind: 'integrationLog' }

/** A line to record, for its owner. */
export type NewLogLine = Omit<LogLine, 'id'> & { ownerId: string }

// Both tables have every column used here, but Kysely types a query per table: it sees them as one shape.
type LogTables = Kysely<Record<string, LogLine & Record<string, string | null>>>
const logTables = (services: Services) => services.store.db as unknown as LogTables

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

/** Writes a batch of lines, leaving out those whose owner was deleted since their request. */
async function writeLines(services: Services, table: LogLineTable, lines: NewLogLine[]): Promise<void> {
  if (process.env.ABL_WL) return
  await services.store.transaction(async (trx) => {
    const ownerIds = [...new Set(lines.map((l) => l.ownerId))]
    const owners = await (trx as unknown as LogTables).selectFrom(table.ownerTable).select('id').where('id', 'in', ownerIds).execute()
    const live = new Set(owners.map((o) => o.id))
    const rows = lines
      .filter((l) => live.has(l.ownerId))
      .map(({ ownerId, ...line }) => ({ ...line, id: newId(table.idKind), [table.owner]: ownerId }))
    await insertRows(trx, table.name, rows)
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

/** One page of an owner's log lines, newest first, as the API returns them; includes every line recorded so far. */
export async function readLogLines(services: Services, table: LogLineTable, ownerId: string, input: LogLineQuery, pageSize?: number) {
  await flushLogLines(services, table)
  const query = logTables(services)
    .selectFrom(table.name)
    .select(['id', 'timestamp', 'level', 'message', 'userId', 'conversationId', 'workflowId'])
    .where(table.owner, '=', ownerId)
    .where('timestamp', '>=', isoTime('timeStart', input.timeStart))
    .$if(input.timeEnd !== undefined, (q) => q.where('timestamp', '<=', isoTime('timeEnd', input.timeEnd!)))
    .$if(input.level !== undefined, (q) => q.where('level', '=', input.level!))
    .$if(input.userId !== undefined, (q) => q.where('userId', '=', input.userId!))
    .$if(input.conversationId !== undefined, (q) => q.where('conversationId', '=', input.conversationId!))
    .$if(input.workflowId !== undefined, (q) => q.where('workflowId', '=', input.workflowId!))
    .$if(input.messageContains !== undefined, (q) => q.where(contains('message', input.messageContains!)))
  const page = await paginate(query, { sortColumn: 'timestamp', direction: 'desc', nextToken: input.nextToken, pageSize })
  return {
    logs: page.items.map((l) => ({
      timestamp: l.timestamp,
      level: l.level,
      message: l.message,
      userId: l.userId ?? undefined,
      conversationId: l.conversationId ?? undefined,
      workflowId: l.workflowId ?? undefined,
    })),
    nextToken: page.meta.nextToken,
  }
}
