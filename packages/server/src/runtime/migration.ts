import { sql, type Kysely } from 'kysely'
import { parseJson } from '../store/json.js'

/**
 * The outbox and the runtime's schedules. Existing bots get their own user (a bot's id is a user id) and their
 * installations' webhook routes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('integrationId', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('eventId', 'text')
    .addColumn('conversationId', 'text')
    .addColumn('orderKey', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dueAt', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('leaseUntil', 'text')
    .addColumn('lastError', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'dueAt']).execute()
  await db.schema.createIndex('deliveries_order').on('deliveries').columns(['orderKey', 'status', 'id']).execute()
  await db.schema.createIndex('deliveries_event').on('deliveries').columns(['eventId']).execute()
  await db.schema.createIndex('deliveries_bot').on('deliveries').columns(['botId', 'createdAt']).execute()

  await db.schema
    .createTable('deliveryAttempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('deliveryId', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('startedAt', 'text', (c) => c.notNull())
    .addColumn('durationMs', 'integer', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('response', 'text')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('deliveryAttempts_delivery').on('deliveryAttempts').columns(['deliveryId', 'startedAt']).execute()
  await db.schema.createIndex('deliveryAttempts_time').on('deliveryAttempts').columns(['startedAt']).execute()

  await db.schema
    .createTable('webhooks')
    .addColumn('webhookId', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('integrationId', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webhooks_bot').on('webhooks').columns(['botId']).execute()

  await db.schema
    .createTable('recurringRuns')
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('nextRunAt', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('recurringRuns_pk', ['botId', 'name'])
    .execute()
  await db.schema.createIndex('recurringRuns_due').on('recurringRuns').columns(['nextRunAt']).execute()

  await db
    .insertInto('users')
    .columns(['id', 'botId', 'name', 'pictureUrl', 'tags', 'lookupKey', 'createdAt', 'updatedAt'])
    .expression((eb) =>
      eb
        .selectFrom('bots')
        .select(['bots.id', 'bots.id as botId', sql.lit(null).as('name'), sql.lit(null).as('pictureUrl'), sql.lit('{}').as('tags'), sql.lit(null).as('lookupKey'), 'bots.createdAt', 'bots.createdAt as updatedAt'])
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('users').select('users.id').whereRef('users.id', '=', 'bots.id')))),
    )
    .execute()

  const bots = await db.selectFrom('bots').select(['id', 'data']).execute()
  for (const bot of bots) {
    const { integrations = {} } = parseJson<{ integrations?: Record<string, { id?: string; webhookId?: string } | null> }>(bot.data, {})
    const rows = Object.entries(integrations).flatMap(([alias, entry]) =>
      entry?.id && entry.webhookId ? [{ webhookId: entry.webhookId, botId: bot.id, alias, integrationId: entry.id }] : [],
    )
    if (rows.length) await db.insertInto('webhooks').values(rows).onConflict((oc) => oc.doNothing()).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['recurringRuns', 'webhooks', 'deliveryAttempts', 'deliveries']) await db.schema.dropTable(table).execute()
}
