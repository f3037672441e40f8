import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import SQLite from 'better-sqlite3'
import { migrationProvider } from '../src/store/migrate.js'
import { dropPostgresSchema } from '../src/store/store.js'
import type { StoreKind } from './support.js'

/**
 * Runs `test` on a store of its own, of `store`'s kind: a SQLite file in a temporary folder, or a schema of the
 * PostgreSQL database (made by `storeMigratedTo`); both are removed afterwards, whatever `test` left.
 */
export async function onScratchStore(store: StoreKind, test: (at: { database: string; schema?: string }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bpkit-migration-'))
  const schema = store.database ? `bpkit_migration_${randomBytes(5).toString('hex')}` : undefined
  const database = store.database ?? join(dir, 'store.sqlite')
  try {
    await test({ database, schema })
  } finally {
    if (schema) await dropPostgresSchema(database, schema)
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A store at `database` (a SQLite path, or a PostgreSQL URL with `schema`, which is created) migrated up to and
 * including `migration`, as an older bpkit left it: the test of a later migration fills it, then opens it with
 * today's bpkit.
 */
export async function storeMigratedTo(migration: string, database: string, schema?: string): Promise<Kysely<any>> {
  let db: Kysely<any>
  if (schema) {
    const { default: pg } = await import('pg')
    const setup = new pg.Client({ connectionString: database })
    await setup.connect()
    await setup.query(`CREATE SCHEMA "${schema}"`)
    await setup.end()
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database, options: `-c search_path="${schema}"` }) }) })
  } else {
    db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(database) }) })
  }
  const { error } = await new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema }).migrateTo(migration)
  assert.equal(error, undefined)
  return db
}
