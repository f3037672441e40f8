import { Kysely, sql, type Transaction } from 'kysely'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Database } from './database.js'
import { migrateToLatest } from './migrate.js'
import { SchemaScopedPostgresDialect } from './postgres-introspector.js'
import { checkpointOnWorker, type CheckpointOptions } from './sqlite-checkpoints.js'
import { GroupCommitSqliteDialect } from './sqlite-driver.js'

export type DialectName = 'sqlite' | 'postgres'

export type StoreOptions = {
  /** An SQLite file path (or `:memory:`), or a `postgres://` / `postgresql://` URL. */
  database: string
  /** PostgreSQL only: the schema to keep bpkit's tables in (created when missing). Default `public`. */
  postgresSchema?: string
  /** SQLite files only: how the WAL is checkpointed off the event loop (sqlite-checkpoints.ts). */
  checkpoints?: Partial<CheckpointOptions>
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

/** An open database, how to wait until what was written to it is durable, and how to close it. */
type Opened = { db: Kysely<Database>; whenCommitted(): Promise<void>; close(): Promise<void> }

async function openSqlite(path: string, checkpointOptions?: Partial<CheckpointOptions>): Promise<Opened> {
  const { default: SQLite } = await import('better-sqlite3')
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const connection = new SQLite(path)
  connection.pragma('journal_mode = WAL')
  // NORMAL keeps every committed transaction across a process crash (kill -9); only an OS crash can lose the last ones.
  connection.pragma('synchronous = NORMAL')
  // A savepoint's journal (every store.transaction within a group commit is one) in memory, not in a temporary
  // file created, written and deleted for each: a fifth of a sequential runtime round trip's time.
  connection.pragma('temp_store = MEMORY')
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
  const checkpoints = path === ':memory:' ? undefined : checkpointOnWorker(connection, path, checkpointOptions)
  const dialect = new GroupCommitSqliteDialect(connection, checkpoints?.afterCommit)
  const db = new Kysely<Database>({ dialect })
  return {
    db,
    whenCommitted: () => dialect.driver.whenCommitted(),
    async close() {
      // The worker's connection closes first, so that the server's, the last, moves the WAL into the file and removes it.
      await checkpoints?.stop()
      await db.destroy()
    },
  }
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
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) })
  return { db, whenCommitted: () => Promise.resolve(), close: () => db.destroy() }
}

/** Opens the store named by `options.database` and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const dialect: DialectName = isPostgresUrl(options.database) ? 'postgres' : 'sqlite'
  const { db, whenCommitted, close } =
    dialect === 'postgres'
      ? await openPostgres(options.database, options.postgresSchema ?? 'public')
      : await openSqlite(options.database, options.checkpoints)
  try {
    await migrateToLatest(db, dialect === 'postgres' ? (options.postgresSchema ?? 'public') : undefined)
  } catch (error) {
    await close()
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
    close,
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
