import type { Kysely } from 'kysely'

/** The integrations whose deployed code keeps crashing (runtime/deployed/crash-status.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('crashingIntegrations')
    .addColumn('integrationId', 'text', (c) => c.primaryKey().references('hubPackages.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crashingIntegrations').execute()
}
