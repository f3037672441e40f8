import type { Database as SqliteConnection, Statement } from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

const MAX_CACHED_STATEMENTS = 500

/**
 * Kysely's SQLite driver prepares every query anew, which cost about a tenth of the server's CPU on the hot
 * path. Kysely compiles the same SQL text for the same query shape, so prepared statements are kept by
 * their text (least recently used dropped first) and reused; SQLite re-prepares them itself after a schema
 * change.
 */
export function withStatementCache(connection: SqliteConnection): SqliteDatabase {
  const statements = new Map<string, Statement>()
  return {
    close: () => {
      statements.clear()
      connection.close()
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql)
      if (statement) {
        statements.delete(sql)
      } else {
        statement = connection.prepare(sql)
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.delete(statements.keys().next().value!)
      }
      statements.set(sql, statement)
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>
    },
  }
}
