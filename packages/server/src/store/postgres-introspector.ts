import { PostgresDialect, sql, type ColumnMetadata, type DatabaseIntrospector, type Kysely, type PostgresDialectConfig, type TableMetadata } from 'kysely'

/**
 * Kysely's PostgreSQL introspector reads every table of every schema, and calls catalog functions on each.
 * Its migrator asks it whether the migration tables exist, so while another schema of the same database is
 * being dropped (test servers do this, one schema each) that query can fail with errors about the other
 * schema. This one reads bpkit's schema only, from the catalog tables alone.
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
    const { rows } = await sql<ColumnRow>`
      select c.relname as "table", c.relkind as kind, a.attname as name, t.typname as "dataType",
        not a.attnotnull as "isNullable", a.atthasdef as "hasDefaultValue", a.attidentity <> '' as "isAutoIncrementing"
      from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_type t on t.oid = a.atttypid
      where n.nspname = ${this.schema} and c.relkind in ('r', 'p', 'v', 'm')
      order by c.relname, a.attnum`.execute(this.db)
    const tables = new Map<string, TableMetadata & { columns: ColumnMetadata[] }>()
    for (const { table, kind, ...column } of rows) {
      let metadata = tables.get(table)
      if (!metadata) tables.set(table, (metadata = { name: table, schema: this.schema, isView: kind === 'v' || kind === 'm', columns: [] }))
      if (column.name !== null) metadata.columns.push(column as ColumnMetadata)
    }
    return [...tables.values()]
  }

  async getMetadata() {
    return { tables: await this.getTables() }
  }
}

type ColumnRow = { table: string; kind: string } & { [K in keyof Omit<ColumnMetadata, 'comment' | 'dataTypeSchema'>]: ColumnMetadata[K] | null }

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
