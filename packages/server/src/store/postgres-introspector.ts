import { PostgresDialect, sql, type DatabaseIntrospector, type Kysely, type PostgresDialectConfig, type TableMetadata } from 'kysely'

/**
 * Kysely's PostgreSQL introspector reads the columns of every table of every schema. Its migrator asks it
 * whether the migration tables exist, so while another schema of the same database is being dropped (test
 * servers do this, one schema each) that query can fail with errors about the other schema. This one looks
 * at bpkit's schema only, and reads table names only: that is all the migrator needs.
 */
class SchemaTablesIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<any>,
    private readonly schema: string,
  ) {}

  async getSchemas() {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${this.schema}`.execute(this.db)
    return rows
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${this.schema} and c.relkind in ('r', 'p', 'v', 'm')`.execute(this.db)
    return rows.map((row) => ({ name: row.name, schema: this.schema, isView: row.kind === 'v' || row.kind === 'm', columns: [] }))
  }

  async getMetadata() {
    return { tables: await this.getTables() }
  }
}

/** The PostgreSQL dialect, introspecting one schema only (see SchemaTablesIntrospector). */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string,
  ) {
    super(config)
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SchemaTablesIntrospector(db, this.schema)
  }
}
