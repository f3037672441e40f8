import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hubPackages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('workspaceId', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('dev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('private'))
    .addColumn('verificationStatus', 'text', (c) => c.notNull().defaultTo('unapproved'))
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('definition', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('secrets', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('code', 'text')
    .addColumn('url', 'text')
    .addColumn('icon', 'text')
    .addColumn('readme', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()
  // A workspace publishes one name@version of each kind (dev integrations are scratch copies: not counted).
  await db.schema
    .createIndex('hubPackages_workspace_name_version')
    .on('hubPackages')
    .columns(['kind', 'workspaceId', 'name', 'version'])
    .unique()
    .where(sql.ref('dev'), '=', 0)
    .execute()
  // What the hub shows by name@version must be one definition across the whole server.
  await db.schema
    .createIndex('hubPackages_shared_name_version')
    .on('hubPackages')
    .columns(['kind', 'name', 'version'])
    .unique()
    .where(sql.ref('visibility'), '<>', 'private')
    .execute()
  await db.schema.createIndex('hubPackages_kind_workspace').on('hubPackages').columns(['kind', 'workspaceId', 'createdAt']).execute()

  await db.schema
    .createTable('hubReferences')
    .addColumn('packageId', 'text', (c) => c.notNull().references('hubPackages.id').onDelete('cascade'))
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('targetKind', 'text', (c) => c.notNull())
    .addColumn('targetId', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hubReferences_pk', ['packageId', 'targetKind', 'alias'])
    .execute()
  await db.schema.createIndex('hubReferences_target').on('hubReferences').column('targetId').execute()

  await db.schema
    .createTable('integrationLogs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integrationId', 'text', (c) => c.notNull().references('hubPackages.id').onDelete('cascade'))
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('userId', 'text')
    .addColumn('conversationId', 'text')
    .addColumn('workflowId', 'text')
    .execute()
  await db.schema.createIndex('integrationLogs_integration_time').on('integrationLogs').columns(['integrationId', 'timestamp']).execute()

  await db.schema
    .createTable('integrationShareableIds')
    .addColumn('botId', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('integrationId', 'text', (c) => c.notNull().references('hubPackages.id').onDelete('cascade'))
    .addColumn('shareableId', 'text', (c) => c.notNull().unique())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integrationShareableIds_pk', ['botId', 'integrationId'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['integrationShareableIds', 'integrationLogs', 'hubReferences', 'hubPackages']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
