import type { Kysely } from 'kysely'

/** Accounts, workspaces and their members, bots, and API tokens: what authentication rests on. */
export interface CoreTables {
  accounts: {
    id: string
    email: string
    displayName: string | null
    profilePicture: string | null
    createdAt: string
    updatedAt: string
  }
  workspaces: {
    id: string
    name: string
    handle: string | null
    ownerId: string
    /** JSON: the workspace fields that are not columns (description, website, contact email, ...). */
    data: string
    createdAt: string
    updatedAt: string
  }
  workspaceMembers: {
    id: string
    workspaceId: string
    accountId: string
    role: string
    createdAt: string
    updatedAt: string
  }
  bots: {
    id: string
    workspaceId: string
    name: string
    /** JSON: the rest of the bot definition (states, events, tags, configuration, integrations, ...). */
    data: string
    createdAt: string
    updatedAt: string
  }
  tokens: {
    id: string
    /** `pat` (personal access token of an account), `bot` (bot API key) or `integration` (integration key). */
    kind: string
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    hash: string
    accountId: string | null
    workspaceId: string | null
    botId: string | null
    integrationId: string | null
    note: string
    createdAt: string
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('displayName', 'text')
    .addColumn('profilePicture', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.unique())
    .addColumn('ownerId', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('workspaceMembers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspaceId', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('accountId', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .addUniqueConstraint('workspaceMembers_workspace_account', ['workspaceId', 'accountId'])
    .execute()
  await db.schema.createIndex('workspaceMembers_account').on('workspaceMembers').column('accountId').execute()

  await db.schema
    .createTable('bots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspaceId', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('bots_workspace').on('bots').columns(['workspaceId', 'createdAt']).execute()

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('accountId', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('workspaceId', 'text', (c) => c.references('workspaces.id').onDelete('cascade'))
    .addColumn('botId', 'text', (c) => c.references('bots.id').onDelete('cascade'))
    .addColumn('integrationId', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tokens', 'bots', 'workspaceMembers', 'workspaces', 'accounts']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
