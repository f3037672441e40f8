import { sql, type Kysely } from 'kysely'

/**
 * The indexes that find what is still waiting (a pending delivery, a scheduled event, a listening workflow)
 * hold only the rows that wait. A delivered delivery or a processed event then leaves them instead of moving
 * within them, each written row touches fewer index pages (every page a commit touches is a WAL frame), and
 * the lookups search a few rows rather than every row ever written.
 *
 * The queries that use them compare the status with a literal (`sql.lit`): neither SQLite nor PostgreSQL
 * uses a partial index for a condition on a bound parameter. The retention sweeps go by bot
 * (`deliveries_bot_updated`, `deliveryAttempts_bot_started`), so `deliveryAttempts_time` is dropped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const index of ['deliveries_due', 'deliveries_order', 'deliveries_event', 'events_scheduled', 'deliveryAttempts_time']) await db.schema.dropIndex(index).execute()
  const pending = sql<boolean>`status = 'pending'`
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['dueAt', 'id']).where(pending).execute()
  await db.schema.createIndex('deliveries_order').on('deliveries').columns(['orderKey', 'id']).where(pending).execute()
  await db.schema.createIndex('deliveries_event').on('deliveries').column('eventId').where('eventId', 'is not', null).execute()
  await db.schema.createIndex('events_scheduled').on('events').column('scheduledFor').where(sql<boolean>`status = 'scheduled'`).execute()
  await db.schema.createIndex('workflows_listening').on('workflows').columns(['botId', 'conversationId']).where(sql<boolean>`status = 'listening'`).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['deliveries_due', 'deliveries_order', 'deliveries_event', 'events_scheduled', 'workflows_listening']) await db.schema.dropIndex(index).execute()
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'dueAt']).execute()
  await db.schema.createIndex('deliveries_order').on('deliveries').columns(['orderKey', 'status', 'id']).execute()
  await db.schema.createIndex('deliveries_event').on('deliveries').columns(['eventId']).execute()
  await db.schema.createIndex('events_scheduled').on('events').columns(['status', 'scheduledFor']).execute()
  await db.schema.createIndex('deliveryAttempts_time').on('deliveryAttempts').columns(['startedAt']).execute()
}
