import { Kysely, sql, type Transaction } from 'kysely'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Database } from './database.js'
import { migrateToLatest } from './migrate.js'
import { SchemaScopedPostgresDialect } from './postgres-introspector.js'
import { GroupCommitSqliteDialect } from './sqlite-driver.js'

export type DialectName = 'sqlite' | 'postgres'

export type StoreOptions = {
  /** An SQLite file path (or `:memory:`), or a `postgres://` / `postgresql://` URL. */
  database: string
  /** PostgreSQL only: the schema to keep bpkit's tables in (created when missing). Default `public`. */
  postgresSchema?: string
}

export type Db = Kysely<Database> | Transaction<Database>

export type Store = {
  readonly db: Kysely<Database>
  readonly dialect: DialectName
  /** Runs `fn` in one transaction: every write in it lands, or none does. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//.test(database)

/** An open database, and how to wait until what was written to it is durable. */
type Opened = { db: Kysely<Database>; whenCommitted(): Promise<void> }

async function openSqlite(path: string): Promise<Opened> {
  const { default: SQLite } = await import('better-sqlite3')
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const connection = new SQLite(path)
  connection.pragma('journal_mode = WAL')
  // NORMAL keeps every committed transaction across a process crash (kill -9); only an OS crash can lose the last ones.
  connection.pragma('synchronous = NORMAL')
  connection.pragma('busy_timeout = 5000')
  connection.pragma('foreign_keys = ON')
  // SQLite has no regular expressions of its own: regexp(pattern, value[, flags]) runs JavaScript's (NULL never matches).
  const patterns = new Map<string, RegExp>()
  connection.function('regexp', { deterministic: true, varargs: true }, (pattern: unknown, value: unknown, flags: unknown = '') => {
    if (typeof pattern !== 'string' || typeof value !== 'string') return 0
    const key = `${flags}/${pattern}`
    let regex = patterns.get(key)
    if (!regex) {
      if (patterns.size > 200) patterns.clear()
      regex = new RegExp(pattern, `s${flags === 'i' ? 'i' : ''}`)
      patterns.set(key, regex)
    }
    return regex.test(value) ? 1 : 0
  })
  const dialect = new GroupCommitSqliteDialect(connection)
  return { db: new Kysely<Database>({ dialect }), whenCommitted: () => dialect.driver.whenCommitted() }
}

async function openPostgres(url: string, schema: string): Promise<Opened> {
  const { default: pg } = await import('pg')
  if (schema !== 'public') {
    const setup = new pg.Client({ connectionString: url })
    await setup.connect()
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`)
    } finally {
      await setup.end()
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path="${schema}"` })
  // A PostgreSQL transaction is durable once its COMMIT has answered.
  return { db: new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) }), whenCommitted: () => Promise.resolve() }
}

/** Opens the store named by `options.database` and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const dialect: DialectName = isPostgresUrl(options.database) ? 'postgres' : 'sqlite'
  const { db, whenCommitted } =
    dialect === 'postgres'
      ? await openPostgres(options.database, options.postgresSchema ?? 'public')
      : await openSqlite(options.database)
  try {
    await migrateToLatest(db, dialect === 'postgres' ? (options.postgresSchema ?? 'public') : undefined)
  } catch (error) {
    await db.destroy()
    throw error
  }
  return {
    db,
    dialect,
    async transaction(fn) {
      const result = await db.transaction().execute(fn)
      await whenCommitted()
      return result
    },
    close: () => db.destroy(),
  }
}

/** Drops a PostgreSQL schema and everything in it (used by test servers to leave nothing behind). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`)
  } finally {
    await client.end()
  }
}

export { sql }
