import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').addColumn('tags', 'text', (c) => c.notNull().defaultTo('{}')).execute()
  await db.schema.alterTable('bots').addColumn('dev', 'integer', (c) => c.notNull().defaultTo(0)).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('dev').execute()
  await db.schema.alterTable('bots').dropColumn('tags').execute()
}
