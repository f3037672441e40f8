import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'

/** Columns that hold an account id: the four foreign keys to `accounts.id`, and the audit trail's. */
const references = [
  { table: 'workspaces', column: 'ownerId' },
  { table: 'workspaceMembers', column: 'accountId' },
  { table: 'tokens', column: 'accountId' },
  { table: 'accountPreferences', column: 'accountId' },
  // No foreign key: the trail keeps the id of a deleted account.
  { table: 'auditRecords', column: 'userId' },
  // The resource of an account's own change (updateAccount, deleteAccount); other resource ids never match.
  { table: 'auditRecords', column: 'resourceId' },
] as const

/** JSON text that may name accounts: a bot's `createdBy` and allowlist, a version's snapshot, a record's value. */
const jsonColumns = [
  { table: 'bots', key: 'id', column: 'data' },
  { table: 'botVersions', key: 'id', column: 'definition' },
  { table: 'auditRecords', key: 'id', column: 'value' },
] as const

const REWRITES = 'accountIdRewrites'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** A JSON string that may be an old account id; it is one when it is a rewritten id or has the `acct_` + ULID form. */
const OLD_ID_STRING = /"(acct_[^"\\]*)"/g
const OLD_ID = /^acct_[0-9A-HJKMNP-TV-Z]{26}$/
const CHUNK = 200

/**
 * Account ids become UUIDs (the spec's `format: uuid` for a member's or an audit record's `userId`):
 * every account id that is not one gets a new random UUID, everywhere it is referenced.
 *
 * The foreign keys to `accounts.id` are immediate and have no ON UPDATE, so an id is never updated in
 * place: each account is copied under its new id (with a placeholder e-mail, the e-mail being unique), the
 * references are moved to the copy, the old row (referenced by nothing any more) is deleted, and the copy
 * gets its e-mail back. The same statements work on SQLite (foreign_keys=ON) and PostgreSQL, with no DDL
 * on the constraints. All in one transaction (SQLite runs migrations outside one).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) await rewriteAccountIds(db)
  else await db.transaction().execute(rewriteAccountIds)
}

async function rewriteAccountIds(db: Kysely<any>): Promise<void> {
  const rewrites = new Map<string, { newId: string; email: string | null }>()
  const accounts = (await db.selectFrom('accounts').select(['id', 'email']).execute()) as { id: string; email: string }[]
  for (const a of accounts) if (!UUID.test(a.id)) rewrites.set(a.id, { newId: randomUUID(), email: a.email })
  // Accounts deleted since: their audit records keep a (new) id too, the same one in every record.
  const actors = (await db.selectFrom('auditRecords').select('userId').distinct().where('userId', 'is not', null).execute()) as { userId: string }[]
  for (const { userId } of actors) if (!UUID.test(userId) && !rewrites.has(userId)) rewrites.set(userId, { newId: randomUUID(), email: null })

  await db.schema
    .createTable(REWRITES)
    .addColumn('oldId', 'text', (c) => c.primaryKey())
    .addColumn('newId', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .execute()
  const rows = [...rewrites].map(([oldId, r]) => ({ oldId, newId: r.newId, email: r.email }))
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto(REWRITES).values(rows.slice(i, i + CHUNK)).execute()

  if (rows.length) {
    // The copies, under a placeholder e-mail (a UUID, which no e-mail is).
    await db
      .insertInto('accounts')
      .columns(['id', 'email', 'displayName', 'profilePicture', 'createdAt', 'updatedAt'])
      .expression(
        db
          .selectFrom('accounts')
          .innerJoin(`${REWRITES} as r`, 'r.oldId', 'accounts.id')
          .select(['r.newId as id', 'r.newId as email', 'accounts.displayName', 'accounts.profilePicture', 'accounts.createdAt', 'accounts.updatedAt']),
      )
      .execute()
    for (const { table, column } of references) {
      await db
        .updateTable(table)
        .set(column, (eb: any) => eb.selectFrom(`${REWRITES} as r`).select('r.newId').whereRef('r.oldId', '=', `${table}.${column}`))
        .where(column, 'in', db.selectFrom(REWRITES).select('oldId'))
        .execute()
    }
    await db.deleteFrom('accounts').where('id', 'in', db.selectFrom(REWRITES).select('oldId')).execute()
    await db
      .updateTable('accounts')
      .set('email', (eb: any) => eb.selectFrom(`${REWRITES} as r`).select('r.email').whereRef('r.newId', '=', 'accounts.id'))
      .where('id', 'in', db.selectFrom(REWRITES).select('newId').where('email', 'is not', null))
      .execute()
  }
  await db.schema.dropTable(REWRITES).execute()

  // Whole JSON strings only, never part of one. An old id with no account or audit record behind it (the
  // creator of a bot, since deleted) still gets a UUID, the same everywhere.
  const rewriteString = (quoted: string, oldId: string) => {
    let rewrite = rewrites.get(oldId)
    if (!rewrite && !OLD_ID.test(oldId)) return quoted
    if (!rewrite) rewrites.set(oldId, (rewrite = { newId: randomUUID(), email: null }))
    return `"${rewrite.newId}"`
  }
  for (const { table, key, column } of jsonColumns) {
    const candidates = (await db.selectFrom(table).select([key, column]).where(column, 'like', '%acct_%').execute()) as Record<string, string>[]
    for (const row of candidates) {
      const text = row[column]!.replace(OLD_ID_STRING, rewriteString)
      if (text !== row[column]) await db.updateTable(table).set(column, text).where(key, '=', row[key]!).execute()
    }
  }
}

/** Irreversible: the old ids are not kept. */
export async function down(): Promise<void> {}
