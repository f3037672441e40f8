import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').addColumn('isPublic', 'integer', (c) => c.notNull().defaultTo(0)).execute()

  await db.schema
    .createTable('accountPreferences')
    .addColumn('accountId', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('accountPreferences_pk', ['accountId', 'key'])
    .execute()

  await db.schema
    .createTable('workspacePreferences')
    .addColumn('workspaceId', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workspacePreferences_pk', ['workspaceId', 'key'])
    .execute()

  // No foreign key on userId: the trail keeps who did what after the account is gone.
  await db.schema
    .createTable('auditRecords')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspaceId', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('recordedAt', 'text', (c) => c.notNull())
    .addColumn('userId', 'text')
    .addColumn('userEmail', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resourceId', 'text')
    .addColumn('resourceName', 'text')
    .addColumn('value', 'text')
    .execute()
  await db.schema.createIndex('auditRecords_workspace').on('auditRecords').columns(['workspaceId', 'recordedAt', 'id']).execute()

  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('taskId', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('activities_task').on('activities').columns(['botId', 'taskId', 'createdAt', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['activities', 'auditRecords', 'workspacePreferences', 'accountPreferences']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await db.schema.alterTable('workspaces').dropColumn('isPublic').execute()
}
