import type { Kysely } from 'kysely'

const botOwned = (db: Kysely<any>, table: string) =>
  db.schema
    .createTable(table)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))

export async function up(db: Kysely<any>): Promise<void> {
  await botOwned(db, 'botLogs')
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('userId', 'text')
    .addColumn('conversationId', 'text')
    .addColumn('workflowId', 'text')
    .execute()
  await db.schema.createIndex('botLogs_bot_time').on('botLogs').columns(['botId', 'timestamp']).execute()

  await botOwned(db, 'botIssues')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('groupedData', 'text', (c) => c.notNull())
    .addColumn('eventsCount', 'integer', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('lastSeenAt', 'text', (c) => c.notNull())
    .addUniqueConstraint('botIssues_bot_code', ['botId', 'code'])
    .execute()

  await botOwned(db, 'botIssueEvents')
    .addColumn('issueId', 'text', (c) => c.notNull().references('botIssues.id').onDelete('cascade'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('botIssueEvents_issue').on('botIssueEvents').columns(['issueId', 'createdAt']).execute()

  await botOwned(db, 'botVersions')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('botVersions_bot').on('botVersions').columns(['botId', 'createdAt']).execute()

  await botOwned(db, 'actionRuns')
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('integrationName', 'text', (c) => c.notNull())
    .addColumn('actionType', 'text', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('output', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('durationMs', 'integer', (c) => c.notNull())
    .addColumn('errorMessage', 'text')
    .execute()
  await db.schema.createIndex('actionRuns_bot_time').on('actionRuns').columns(['botId', 'timestamp']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['actionRuns', 'botVersions', 'botIssueEvents', 'botIssues', 'botLogs']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
