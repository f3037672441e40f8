import type { CreateTableBuilder, Kysely } from 'kysely'

// Column names are not tracked through these helpers (`any`): the table interfaces in tables.ts are the typed view.
type TableBuilder = CreateTableBuilder<string, any>

/** Columns every bot-owned row starts with: its id and its bot (deleting a bot deletes its chat data). */
const owned = (table: TableBuilder): TableBuilder =>
  table
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))

const timestamps = (table: TableBuilder): TableBuilder =>
  table.addColumn('createdAt', 'text', (c) => c.notNull()).addColumn('updatedAt', 'text', (c) => c.notNull())

/**
 * The unique key get-or-create claims. Partial (only rows that hold a key): most rows are made by plain creates
 * and never pay for this index on insert.
 */
const lookupIndex = (db: Kysely<any>, table: string) =>
  db.schema.createIndex(`${table}_lookup`).unique().on(table).columns(['botId', 'lookupKey']).where('lookupKey', 'is not', null).execute()

export async function up(db: Kysely<any>): Promise<void> {
  await timestamps(
    owned(db.schema.createTable('users'))
      .addColumn('name', 'text')
      .addColumn('pictureUrl', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('lookupKey', 'text'),
  ).execute()
  await lookupIndex(db, 'users')
  await db.schema.createIndex('users_bot_created').on('users').columns(['botId', 'createdAt', 'id']).execute()
  await db.schema.createIndex('users_bot_updated').on('users').columns(['botId', 'updatedAt', 'id']).execute()

  await timestamps(
    owned(db.schema.createTable('conversations'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('integration', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('currentTaskId', 'text')
      .addColumn('currentWorkflowId', 'text')
      .addColumn('lookupKey', 'text'),
  ).execute()
  await lookupIndex(db, 'conversations')
  await db.schema.createIndex('conversations_bot_created').on('conversations').columns(['botId', 'createdAt', 'id']).execute()
  await db.schema.createIndex('conversations_bot_updated').on('conversations').columns(['botId', 'updatedAt', 'id']).execute()

  await db.schema
    .createTable('participants')
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('conversationId', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('userId', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('participants_pk', ['conversationId', 'userId'])
    .execute()
  await db.schema.createIndex('participants_user').on('participants').columns(['userId', 'conversationId']).execute()

  await timestamps(
    owned(db.schema.createTable('messages'))
      .addColumn('conversationId', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('userId', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('origin', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('lookupKey', 'text'),
  ).execute()
  await lookupIndex(db, 'messages')
  // Equality on both leading columns makes this the index for "a conversation's messages in order" (no planner
  // statistics needed), and it serves the cascade from a deleted conversation.
  await db.schema.createIndex('messages_conversation_created').on('messages').columns(['conversationId', 'botId', 'createdAt', 'id']).execute()
  await db.schema.createIndex('messages_bot_created').on('messages').columns(['botId', 'createdAt', 'id']).execute()

  await owned(db.schema.createTable('events'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('conversationId', 'text')
    .addColumn('userId', 'text')
    .addColumn('messageId', 'text')
    .addColumn('workflowId', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failureReason', 'text')
    .addColumn('scheduledFor', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('events_bot_created').on('events').columns(['botId', 'createdAt', 'id']).execute()
  await db.schema.createIndex('events_scheduled').on('events').columns(['status', 'scheduledFor']).execute()

  await timestamps(
    owned(db.schema.createTable('states'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('ownerId', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('expiry', 'bigint')
      .addColumn('expiresAt', 'text'),
  )
    .addUniqueConstraint('states_key', ['botId', 'type', 'ownerId', 'name'])
    .execute()
  await db.schema.createIndex('states_owner').on('states').columns(['ownerId']).execute()
  await db.schema.createIndex('states_expires').on('states').columns(['expiresAt']).execute()

  await timestamps(
    owned(db.schema.createTable('workflows'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('input', 'text', (c) => c.notNull())
      .addColumn('output', 'text', (c) => c.notNull())
      .addColumn('parentWorkflowId', 'text')
      .addColumn('conversationId', 'text')
      .addColumn('userId', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('failureReason', 'text')
      .addColumn('timeoutAt', 'text', (c) => c.notNull())
      .addColumn('completedAt', 'text')
      .addColumn('lookupKey', 'text'),
  ).execute()
  await lookupIndex(db, 'workflows')
  await db.schema.createIndex('workflows_bot_created').on('workflows').columns(['botId', 'createdAt', 'id']).execute()

  await timestamps(
    owned(db.schema.createTable('tasks'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('parentTaskId', 'text')
      .addColumn('conversationId', 'text', (c) => c.references('conversations.id').onDelete('cascade'))
      .addColumn('userId', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('failureReason', 'text')
      .addColumn('timeoutAt', 'text', (c) => c.notNull()),
  ).execute()
  await db.schema.createIndex('tasks_bot_created').on('tasks').columns(['botId', 'createdAt', 'id']).execute()
  await db.schema.createIndex('tasks_conversation').on('tasks').columns(['conversationId']).execute()

  await owned(db.schema.createTable('analytics'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('analytics_bot_created').on('analytics').columns(['botId', 'createdAt']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['analytics', 'tasks', 'workflows', 'states', 'events', 'messages', 'participants', 'conversations', 'users']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
