import type { Kysely } from 'kysely'

/**
 * Sign-in codes and sessions of the dashboard, and the indexes the live stream polls by (rows of one bot
 * changed since a time).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webSignInCodes')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('accountId', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('expiresAt', 'text', (c) => c.notNull())
    .addColumn('usedAt', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webSignInCodes_expires').on('webSignInCodes').columns(['expiresAt']).execute()

  await db.schema
    .createTable('webSessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('accountId', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('expiresAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webSessions_expires').on('webSessions').columns(['expiresAt']).execute()

  await db.schema.createIndex('messages_bot_updated').on('messages').columns(['botId', 'updatedAt']).execute()
  await db.schema.createIndex('deliveries_bot_updated').on('deliveries').columns(['botId', 'updatedAt']).execute()
  await db.schema.createIndex('deliveryAttempts_bot_started').on('deliveryAttempts').columns(['botId', 'startedAt']).execute()
  await db.schema.createIndex('botIssues_bot_seen').on('botIssues').columns(['botId', 'lastSeenAt']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['messages_bot_updated', 'deliveries_bot_updated', 'deliveryAttempts_bot_started', 'botIssues_bot_seen']) await db.schema.dropIndex(index).execute()
  for (const table of ['webSessions', 'webSignInCodes']) await db.schema.dropTable(table).execute()
}
