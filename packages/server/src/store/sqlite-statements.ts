import type { Database as SqliteConnection, Statement } from 'better-sqlite3'

const MAX_CACHED_STATEMENTS = 500

/**
 * Prepared statements kept by their SQL text (the oldest dropped first) and reused: Kysely compiles
 * the same text for the same query shape, and preparing each query anew cost about a tenth of the server's
 * CPU on the hot path. SQLite re-prepares a kept statement itself after a schema change.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>()

  constructor(private readonly connection: SqliteConnection) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      // Oldest first: a statement still in use is prepared again, which is cheaper than reordering on every hit.
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.delete(this.statements.keys().next().value!)
      statement = this.connection.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  clear(): void {
    this.statements.clear()
  }
}
