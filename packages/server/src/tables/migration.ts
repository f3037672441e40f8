import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('schema', 'text', (c) => c.notNull())
    .addColumn('factor', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('frozen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('keyColumn', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .addUniqueConstraint('tables_bot_name', ['botId', 'name'])
    .execute()

  await db.schema
    .createTable('tableJobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('tableId', 'text', (c) => c.notNull().references('tables.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failureReason', 'text')
    .addColumn('inputFileId', 'text')
    .addColumn('outputFileId', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('tableJobs_table_createdAt').on('tableJobs').columns(['tableId', 'createdAt']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tableJobs').ifExists().execute()
  await db.schema.dropTable('tables').ifExists().execute()
}
