import { sql, type Kysely } from 'kysely'
import type { Database } from '../store/database.js'
import { parseJson } from '../store/json.js'
import { rowsTableOf } from '../tables/storage.js'
import type { Period } from './periods.js'
import type { UsageType } from './types.js'

type Db = Kysely<Database>

const fileBytes = sql<number>`coalesce(${sql.ref('size')}, ${sql.ref('declaredSize')})`

/** Per bot totals of a grouped query, with 0 for bots it found nothing for. */
function perBot(botIds: string[], rows: { botId: string; n: number | string | bigint | null }[]): Map<string, number> {
  const values = new Map(botIds.map((id) => [id, 0]))
  for (const row of rows) values.set(row.botId, (values.get(row.botId) ?? 0) + Number(row.n ?? 0))
  return values
}

async function tableRows(db: Db, botIds: string[]) {
  const tables = await db.selectFrom('tables').select(['id', 'botId']).where('botId', 'in', botIds).execute()
  return Promise.all(
    tables.map(async (t) => ({
      botId: t.botId,
      n: (await (db as Kysely<any>).selectFrom(rowsTableOf(t.id)).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n as number,
    })),
  )
}

/** The value of a bot-scoped usage type for each bot of `botIds`, read from the tables of the sections that store it. */
export async function measureBots(db: Db, type: UsageType, botIds: string[], period: Period): Promise<Map<string, number>> {
  if (!botIds.length) return new Map()
  const files = () => db.selectFrom('files').where('botId', 'in', botIds).groupBy('botId')
  switch (type) {
    case 'invocation_calls': {
      const counted = (table: 'messages' | 'events') =>
        db
          .selectFrom(table)
          .select(['botId', (eb) => eb.fn.countAll<number>().as('n')])
          .where('botId', 'in', botIds)
          .where('createdAt', '>=', period.from)
          .where('createdAt', '<', period.until)
          .groupBy('botId')
          .execute()
      const [messages, events] = await Promise.all([counted('messages'), counted('events')])
      return perBot(botIds, [...messages, ...events])
    }
    case 'storage_count':
      return perBot(botIds, await files().select(['botId', (eb) => eb.fn.sum<number>(fileBytes).as('n')]).execute())
    case 'knowledgebase_vector_storage':
      return perBot(botIds, await files().select(['botId', (eb) => eb.fn.sum<number>(fileBytes).as('n')]).where('index', '=', 1).execute())
    case 'indexed_file_count':
      return perBot(botIds, await files().select(['botId', (eb) => eb.fn.countAll<number>().as('n')]).where('index', '=', 1).execute())
    case 'file_max_size_bytes':
      return perBot(botIds, await files().select(['botId', (eb) => eb.fn.max<number>(fileBytes).as('n')]).execute())
    case 'table_row_count':
      return perBot(botIds, await tableRows(db, botIds))
    default:
      return perBot(botIds, [])
  }
}

/** The value of a usage type for a whole workspace: its own measure, or the sum over its bots for bot-scoped types. */
export async function measureWorkspace(db: Db, type: UsageType, workspaceId: string, period: Period): Promise<number> {
  const count = (rows: { n: number | string | bigint } | undefined) => Number(rows?.n ?? 0)
  switch (type) {
    case 'bot_count':
      return count(await db.selectFrom('bots').select((eb) => eb.fn.countAll<number>().as('n')).where('workspaceId', '=', workspaceId).executeTakeFirst())
    case 'always_alive': {
      const bots = await db.selectFrom('bots').select('data').where('workspaceId', '=', workspaceId).execute()
      return bots.filter((b) => parseJson<{ alwaysAlive?: boolean }>(b.data, {}).alwaysAlive === true).length
    }
    case 'workspace_member_count':
      return count(await db.selectFrom('workspaceMembers').select((eb) => eb.fn.countAll<number>().as('n')).where('workspaceId', '=', workspaceId).executeTakeFirst())
    case 'integrations_owned_count':
      return count(
        await db
          .selectFrom('hubPackages')
          .select((eb) => eb.fn.count<number>('name').distinct().as('n'))
          .where('workspaceId', '=', workspaceId)
          .where('kind', '=', 'integration')
          .where('dev', '=', 0)
          .executeTakeFirst(),
      )
    case 'workspace_ratelimit':
      return count(
        await db
          .selectFrom('apiCallCounts')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('calls'), sql<number>`0`).as('n'))
          .where('workspaceId', '=', workspaceId)
          .where('day', '>=', period.from.slice(0, 10))
          .where('day', '<', period.until.slice(0, 10))
          .executeTakeFirst(),
      )
    case 'ai_spend':
    case 'openai_spend':
    case 'bing_search_spend':
      return 0
    default: {
      const bots = await db.selectFrom('bots').select('id').where('workspaceId', '=', workspaceId).execute()
      const values = await measureBots(db, type, bots.map((b) => b.id), period)
      return type === 'file_max_size_bytes' ? Math.max(0, ...values.values()) : [...values.values()].reduce((a, b) => a + b, 0)
    }
  }
}

const dayOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 10)`

/**
 * A flow type's value per UTC day (`YYYY-MM-DD`) between `fromDay` and `untilDay` inclusive, for some bots
 * or a workspace. Days with nothing are absent.
 */
export async function dailyValues(db: Db, type: UsageType, of: { botIds: string[] } | { workspaceId: string }, fromDay: string, untilDay: string): Promise<Map<string, number>> {
  const days = new Map<string, number>()
  const add = (rows: { day: string; n: number | string | bigint | null }[]) => {
    for (const r of rows) days.set(r.day, (days.get(r.day) ?? 0) + Number(r.n ?? 0))
  }
  if (type === 'invocation_calls') {
    const botIds = 'botIds' in of ? of.botIds : (await db.selectFrom('bots').select('id').where('workspaceId', '=', of.workspaceId).execute()).map((b) => b.id)
    if (!botIds.length) return days
    for (const table of ['messages', 'events'] as const) {
      add(
        await db
          .selectFrom(table)
          .select([dayOf('createdAt').as('day'), (eb) => eb.fn.countAll<number>().as('n')])
          .where('botId', 'in', botIds)
          .where('createdAt', '>=', fromDay)
          .where('createdAt', '<=', `${untilDay}T23:59:59.999Z`)
          .groupBy(dayOf('createdAt'))
          .execute(),
      )
    }
  } else if (type === 'workspace_ratelimit') {
    let query = db.selectFrom('apiCallCounts').select(['day', (eb) => eb.fn.sum<number>('calls').as('n')]).where('day', '>=', fromDay).where('day', '<=', untilDay)
    query = 'workspaceId' in of ? query.where('workspaceId', '=', of.workspaceId) : query.where('botId', 'in', of.botIds.length ? of.botIds : [''])
    add(await query.groupBy('day').execute())
  }
  return days
}
