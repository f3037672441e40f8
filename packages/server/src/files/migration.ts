import { PostgresAdapter, sql, type Kysely } from 'kysely'

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db)

  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('contentType', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint')
    .addColumn('declaredSize', 'bigint', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('accessPolicies', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('index', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('indexing', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failedStatusReason', 'text')
    .addColumn('expiresAt', 'text')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('uploadId', 'text', (c) => c.notNull())
    .addColumn('uploadUsed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('blobName', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .addUniqueConstraint('files_bot_key', ['botId', 'key'])
    .execute()
  for (const column of ['createdAt', 'updatedAt', 'declaredSize', 'status']) {
    await db.schema.createIndex(`files_bot_${column}`).on('files').columns(['botId', column, 'id']).execute()
  }
  await db.schema.createIndex('files_expiresAt').on('files').column('expiresAt').execute()

  await db.schema
    .createTable('fileTags')
    .addColumn('fileId', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('botId', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fileTags_pk', ['fileId', 'name'])
    .execute()
  await db.schema.createIndex('fileTags_bot_name_value').on('fileTags').columns(['botId', 'name', 'value']).execute()

  await db.schema
    .createTable('filePassages')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('fileId', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('botId', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('subtype', 'text')
    .addColumn('pageNumber', 'integer')
    .execute()
  await db.schema.createIndex('filePassages_file_position').on('filePassages').columns(['fileId', 'position']).execute()

  if (postgres) {
    // The search vector is computed by PostgreSQL itself, so no write path can forget to maintain it.
    await sql`ALTER TABLE "filePassages" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('english', "content")) STORED`.execute(db)
    await sql`CREATE INDEX "filePassages_search" ON "filePassages" USING GIN ("searchVector")`.execute(db)
  } else {
    // An external-content FTS5 index over filePassages, kept in step by triggers (cascading deletes fire them too).
    await sql`CREATE VIRTUAL TABLE "filePassagesFts" USING fts5(content, content='filePassages', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2')`.execute(db)
    await sql`CREATE TRIGGER "filePassages_fts_insert" AFTER INSERT ON "filePassages" BEGIN
      INSERT INTO "filePassagesFts"(rowid, content) VALUES (new.seq, new.content); END`.execute(db)
    await sql`CREATE TRIGGER "filePassages_fts_delete" AFTER DELETE ON "filePassages" BEGIN
      INSERT INTO "filePassagesFts"("filePassagesFts", rowid, content) VALUES ('delete', old.seq, old.content); END`.execute(db)
    await sql`CREATE TRIGGER "filePassages_fts_update" AFTER UPDATE ON "filePassages" BEGIN
      INSERT INTO "filePassagesFts"("filePassagesFts", rowid, content) VALUES ('delete', old.seq, old.content);
      INSERT INTO "filePassagesFts"(rowid, content) VALUES (new.seq, new.content); END`.execute(db)
  }

  await db.schema
    .createTable('knowledgeBases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('knowledgeBases_bot_createdAt').on('knowledgeBases').columns(['botId', 'createdAt', 'id']).execute()

  await db.schema
    .createTable('fileSecrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) await sql`DROP TABLE IF EXISTS "filePassagesFts"`.execute(db)
  for (const table of ['fileSecrets', 'knowledgeBases', 'filePassages', 'fileTags', 'files']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
