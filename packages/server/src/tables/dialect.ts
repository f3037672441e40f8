import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely'
import type { DialectName } from '../store/store.js'
import type { ColumnKind } from './schema.js'

/**
 * The one place where SQLite and PostgreSQL differ for tables: how a row's JSON data is read, indexed,
 * searched and rewritten, and how a table's rows table is made. Everything else builds on these pieces.
 *
 * A row's data is a JSON object (SQLite: text; PostgreSQL: jsonb). A value is read *typed*: the string,
 * number or boolean reader of a path gives NULL when the value there is missing or of another JSON type,
 * so a comparison never matches across types, and both stores agree on every result. Column names are
 * checked identifiers and go into the SQL text as escaped literals: that is what lets a query's reader
 * match its column's expression index. Every value, and every nested path below a column, is a bound
 * parameter.
 */

/** A column and, for object columns, the keys below it (`attributes.price` → `attributes`, [`price`]). */
export type Path = { column: string; sub: string[] }
export type ScalarKind = 'string' | 'number' | 'boolean'
export type Sql<T = unknown> = RawBuilder<T>

/** Strings longer than this are indexed by their prefix on PostgreSQL (a btree entry is at most ~2.7 kB). */
const PG_INDEX_PREFIX = 256

export type Comparison = '=' | '<>' | '<' | '<=' | '>' | '>='

export interface TablesDialect {
  readonly name: DialectName
  /** The value at `path` as `kind`, or NULL. */
  typed(path: Path, kind: ScalarKind): Sql
  /** True when `path` holds a value other than null. */
  present(path: Path): Sql<boolean>
  /** The length of the array at `path`, or NULL when it holds no array. */
  arrayLength(path: Path): Sql<number>
  /** `expr op value` for a typed reader, written so that the column's index can serve it. */
  compare(expr: Sql, kind: ScalarKind, op: Comparison, value: string | number | boolean): Sql<boolean>
  /** `expr IN (values)` for a typed reader. */
  inList(expr: Sql, kind: ScalarKind, values: (string | number | boolean)[]): Sql<boolean>
  /** The string `expr` matches `pattern`. */
  regex(expr: Sql, pattern: string, ignoreCase: boolean): Sql<boolean>
  /** The integer part of the number `expr`, modulo `divisor` (the sign follows the dividend). */
  truncMod(expr: Sql, divisor: number): Sql<number>
  /** Distinct non-null values of `expr` of a group, as a JSON array (text or jsonb). */
  uniqueValues(expr: Sql): Sql
  /** The row's search text holds a word starting with `term` (a lower-case run of letters and digits). */
  searchMatches(table: string, term: string): Sql<boolean>
  /** A bound JSON value for the `data` column. */
  dataValue(data: Record<string, unknown>): Sql
  /** `data` without the key `column`. */
  removeKey(column: string): Sql
  /** `data` with the value of `from` moved to `to`. */
  renameKey(from: string, to: string): Sql
  /** Creates the rows table (and its full-text index) of a table. */
  createRowsTable(db: Kysely<any>, table: string): Promise<void>
  dropRowsTable(db: Kysely<any>, table: string): Promise<void>
  /** After rows were copied in with their ids, new rows must still get fresh ids. */
  afterCopy(db: Kysely<any>, table: string): Promise<void>
  /** An index serving the typed reader of `column` (unique: the key column). */
  createColumnIndex(db: Kysely<any>, table: string, index: string, column: string, kind: ColumnKind, unique: boolean): Promise<void>
  dropIndex(db: Kysely<any>, index: string): Promise<void>
  /** Names of every table of the store (to find rows tables whose table is gone). */
  listTables(db: Kysely<any>): Promise<string[]>
  /** The query plan of a compiled statement, one line per step (for the benchmark). */
  explain(db: Kysely<any>, query: CompiledQuery): Promise<string[]>
}

/** The kind a column is read with; objects and arrays have no scalar reader. */
export function scalarKind(kind: ColumnKind): ScalarKind | undefined {
  if (kind === 'date') return 'string'
  return kind === 'string' || kind === 'number' || kind === 'boolean' ? kind : undefined
}

const operator = (op: Comparison) => sql.raw(op)

/** SQLite: `json_type` / `json_extract` over the JSON text; booleans read as 1 / 0; REGEXP is registered by the store. */
const sqlite: TablesDialect = {
  name: 'sqlite',
  typed(path, kind) {
    const p = sqlitePath(path)
    switch (kind) {
      case 'string':
        return sql`(CASE WHEN json_type("data", ${p}) = 'text' THEN json_extract("data", ${p}) END)`
      case 'number':
        return sql`(CASE WHEN json_type("data", ${p}) IN ('integer', 'real') THEN json_extract("data", ${p}) END)`
      case 'boolean':
        return sql`(CASE json_type("data", ${p}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`
    }
  },
  present: (path) => sql<boolean>`(json_extract("data", ${sqlitePath(path)}) IS NOT NULL)`,
  arrayLength(path) {
    const p = sqlitePath(path)
    return sql<number>`(CASE WHEN json_type("data", ${p}) = 'array' THEN json_array_length("data", ${p}) END)`
  },
  compare: (expr, _kind, op, value) => sql<boolean>`(${expr} ${operator(op)} ${sqliteValue(value)})`,
  inList: (expr, _kind, values) => sql<boolean>`(${expr} IN (${sql.join(values.map(sqliteValue))}))`,
  regex: (expr, pattern, ignoreCase) => sql<boolean>`(regexp(${pattern}, ${expr}, ${ignoreCase ? 'i' : ''}) = 1)`,
  truncMod: (expr, divisor) => sql<number>`(CAST(${expr} AS INTEGER) % ${divisor})`,
  uniqueValues: (expr) => sql`json_group_array(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL)`,
  searchMatches: (table, term) =>
    sql<boolean>`("id" IN (SELECT rowid FROM ${sql.table(`${table}_fts`)} WHERE ${sql.table(`${table}_fts`)} MATCH ${`"${term}"*`}))`,
  dataValue: (data) => sql`${JSON.stringify(data)}`,
  removeKey: (column) => sql`json_remove("data", ${sql.lit(topPath(column))})`,
  // `->` gives the value as JSON text and json() keeps it JSON, so objects stay objects when moved.
  renameKey: (from, to) => sql`json_set(json_remove("data", ${sql.lit(topPath(from))}), ${sql.lit(topPath(to))}, json("data" -> ${sql.lit(topPath(from))}))`,
  async createRowsTable(db, table) {
    const t = sql.table(table)
    const fts = sql.table(`${table}_fts`)
    await sql`CREATE TABLE ${t} ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "createdAt" TEXT NOT NULL, "updatedAt" TEXT NOT NULL, "data" TEXT NOT NULL, "search" TEXT NOT NULL DEFAULT '')`.execute(db)
    await createSystemIndexes(db, table)
    // An external-content FTS5 index over the search text, kept in step by triggers.
    await sql`CREATE VIRTUAL TABLE ${fts} USING fts5("search", content=${sql.lit(table)}, content_rowid='id', tokenize='unicode61 remove_diacritics 0')`.execute(db)
    await sql`CREATE TRIGGER ${sql.id(`${table}_ai`)} AFTER INSERT ON ${t} BEGIN INSERT INTO ${fts}(rowid, "search") VALUES (new."id", new."search"); END`.execute(db)
    await sql`CREATE TRIGGER ${sql.id(`${table}_ad`)} AFTER DELETE ON ${t} BEGIN INSERT INTO ${fts}(${fts}, rowid, "search") VALUES ('delete', old."id", old."search"); END`.execute(db)
    await sql`CREATE TRIGGER ${sql.id(`${table}_au`)} AFTER UPDATE OF "search" ON ${t} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, "search") VALUES ('delete', old."id", old."search");
      INSERT INTO ${fts}(rowid, "search") VALUES (new."id", new."search"); END`.execute(db)
  },
  async dropRowsTable(db, table) {
    await sql`DROP TABLE IF EXISTS ${sql.table(`${table}_fts`)}`.execute(db)
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db)
  },
  // Explicit ids raise AUTOINCREMENT's sequence by themselves.
  afterCopy: async () => {},
  async createColumnIndex(db, table, index, column, kind, unique) {
    const expr = sqlite.typed({ column, sub: [] }, scalarKind(kind)!)
    await sql`CREATE ${sql.raw(unique ? 'UNIQUE INDEX' : 'INDEX')} IF NOT EXISTS ${sql.id(index)} ON ${sql.table(table)} (${expr})`.execute(db)
  },
  dropIndex: async (db, index) => void (await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db)),
  async listTables(db) {
    const { rows } = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)
    return rows.map((r) => r.name)
  },
  async explain(db, query) {
    const { rows } = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]))
    return rows.map((r) => r.detail)
  },
}

/** PostgreSQL: jsonb operators; strings compare in the "C" collation, byte by byte, as SQLite does. */
const postgres: TablesDialect = {
  name: 'postgres',
  typed(path, kind) {
    const node = pgNode(path)
    switch (kind) {
      case 'string':
        return sql`(CASE WHEN jsonb_typeof(${node}) = 'string' THEN ${pgText(path)} END COLLATE "C")`
      case 'number':
        return sql`(CASE WHEN jsonb_typeof(${node}) = 'number' THEN (${pgText(path)})::float8 END)`
      case 'boolean':
        return sql`(CASE WHEN jsonb_typeof(${node}) = 'boolean' THEN (${pgText(path)})::boolean END)`
    }
  },
  present: (path) => sql<boolean>`(coalesce(jsonb_typeof(${pgNode(path)}), 'null') <> 'null')`,
  arrayLength(path) {
    const node = pgNode(path)
    return sql<number>`(CASE WHEN jsonb_typeof(${node}) = 'array' THEN jsonb_array_length(${node}) END)`
  },
  compare(expr, kind, op, value) {
    const exact = sql<boolean>`(${expr} ${operator(op)} ${value})`
    if (kind !== 'string' || op === '<>') return exact
    // The index holds the prefix: a condition on the prefix lets it narrow, the exact one decides.
    const prefixOp = op === '<' ? '<=' : op === '>' ? '>=' : op
    return sql<boolean>`(${pgPrefix(expr)} ${operator(prefixOp)} left(${value}::text COLLATE "C", ${sql.lit(PG_INDEX_PREFIX)}) AND ${exact})`
  },
  inList(expr, kind, values) {
    const exact = sql<boolean>`(${expr} IN (${sql.join(values)}))`
    if (kind !== 'string') return exact
    const prefixes = values.map((v) => sql`left(${v}::text COLLATE "C", ${sql.lit(PG_INDEX_PREFIX)})`)
    return sql<boolean>`(${pgPrefix(expr)} IN (${sql.join(prefixes)}) AND ${exact})`
  },
  regex: (expr, pattern, ignoreCase) => sql<boolean>`(${expr} ${sql.raw(ignoreCase ? '~*' : '~')} ${pattern})`,
  truncMod: (expr, divisor) => sql<number>`mod(trunc(${expr})::numeric, ${divisor}::numeric)`,
  uniqueValues: (expr) => sql`jsonb_agg(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL)`,
  searchMatches: (_table, term) => sql<boolean>`("searchVector" @@ to_tsquery('simple', ${`${term}:*`}))`,
  dataValue: (data) => sql`${JSON.stringify(data)}::jsonb`,
  removeKey: (column) => sql`("data" - ${sql.lit(column)})`,
  renameKey: (from, to) =>
    sql`(CASE WHEN "data" ? ${sql.lit(from)} THEN ("data" - ${sql.lit(from)}) || jsonb_build_object(${sql.lit(to)}, "data" -> ${sql.lit(from)}) ELSE "data" END)`,
  async createRowsTable(db, table) {
    await sql`CREATE TABLE ${sql.table(table)} (
      "id" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      "createdAt" text NOT NULL, "updatedAt" text NOT NULL, "data" jsonb NOT NULL, "search" text NOT NULL DEFAULT '',
      "searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "search")) STORED)`.execute(db)
    await createSystemIndexes(db, table)
    await sql`CREATE INDEX ${sql.id(`${table}_search`)} ON ${sql.table(table)} USING GIN ("searchVector")`.execute(db)
  },
  dropRowsTable: async (db, table) => void (await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db)),
  async afterCopy(db, table) {
    await sql`SELECT setval(pg_get_serial_sequence(${`"${table}"`}, 'id'), coalesce((SELECT max("id") FROM ${sql.table(table)}), 0) + 1, false)`.execute(db)
  },
  async createColumnIndex(db, table, index, column, kind, unique) {
    const expr = postgres.typed({ column, sub: [] }, scalarKind(kind)!)
    const indexed = kind === 'number' || kind === 'boolean' ? expr : unique ? sql`md5(${expr})` : pgPrefix(expr)
    await sql`CREATE ${sql.raw(unique ? 'UNIQUE INDEX' : 'INDEX')} IF NOT EXISTS ${sql.id(index)} ON ${sql.table(table)} ((${indexed}))`.execute(db)
  },
  dropIndex: async (db, index) => void (await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db)),
  async listTables(db) {
    const { rows } = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`.execute(db)
    return rows.map((r) => r.name)
  },
  async explain(db, query) {
    const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]))
    return rows.map((r) => r['QUERY PLAN'])
  },
}

async function createSystemIndexes(db: Kysely<any>, table: string) {
  for (const column of ['createdAt', 'updatedAt']) {
    await sql`CREATE INDEX ${sql.id(`${table}_${column}`)} ON ${sql.table(table)} (${sql.ref(column)})`.execute(db)
  }
}

/** `$."column"`: column names are checked identifiers, so the literal needs no escaping beyond the quotes. */
const topPath = (column: string) => `$."${column}"`

/** A column's path is a literal (its index matches it); nested keys are appended in a bound parameter. */
function sqlitePath(path: Path): Sql {
  if (!path.sub.length) return sql.lit(topPath(path.column))
  return sql`${[topPath(path.column), ...path.sub.map((k) => `"${k}"`)].join('.')}`
}

const sqliteValue = (value: string | number | boolean) => (typeof value === 'boolean' ? (value ? 1 : 0) : value)

const pgNode = (path: Path): Sql =>
  path.sub.length ? sql`("data" #> ${[path.column, ...path.sub]}::text[])` : sql`("data" -> ${sql.lit(path.column)})`
const pgText = (path: Path): Sql =>
  path.sub.length ? sql`("data" #>> ${[path.column, ...path.sub]}::text[])` : sql`("data" ->> ${sql.lit(path.column)})`
const pgPrefix = (expr: Sql): Sql => sql`left(${expr}, ${sql.lit(PG_INDEX_PREFIX)})`

export const dialectFor = (name: DialectName): TablesDialect => (name === 'postgres' ? postgres : sqlite)

/** A failure of the store caused by the query's content (PostgreSQL data exceptions such as a bad regex). */
export function queryErrorMessage(error: unknown): string | undefined {
  const e = error as { code?: string; message?: string }
  if (typeof e?.code === 'string' && /^22/.test(e.code)) return e.message
  return undefined
}

/** A write refused by a unique index (the table's key column). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string }
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE'
}
