import { sql, type Kysely } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import type { Db } from '../store/store.js'
import { scalarKind, type Sql, type TablesDialect } from './dialect.js'
import { compileFilter, invalidQuery, resolveField, type Field, type FilterLimits } from './filter.js'
import { rowData, toRow, type LoadedTable, type StoredRow } from './models.js'
import { searchTerms } from './search.js'

/**
 * findTableRows: the filter, the search and the grouping run in the database; only the page of rows it
 * returns is shaped here (the `select` projection).
 */

type FindInput = PublicApi.FindTableRowsInput
type Direction = 'asc' | 'desc'

const TRUE = sql<boolean>`(1 = 1)`

/** The typed reader of a system or scalar column, for sorting and grouping. */
function columnExpr(dialect: TablesDialect, field: Field, where: string): Sql {
  if (field.system) return sql.ref(field.name)
  const kind = scalarKind(field.column.kind)
  if (field.path.sub.length || !kind) throw invalidQuery(`${where}: ${JSON.stringify([field.path.column, ...field.path.sub].join('.'))} is not a string, number, boolean or date column`)
  return dialect.typed(field.path, kind)
}

/** Missing values sort first going up and last going down, on both stores. */
const ordered = (expr: Sql, direction: Direction) => sql`${expr} ${sql.raw(direction === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST')}`

export function whereOf(dialect: TablesDialect, table: LoadedTable, filter: unknown, limits: FilterLimits): Sql<boolean> {
  return filter === undefined ? TRUE : compileFilter(filter, dialect, table.columnsByName, limits)
}

/** The SELECT of a find, without running it (the benchmark explains it). */
export function findQuery(db: Db, dialect: TablesDialect, table: LoadedTable, input: FindInput, limits: FilterLimits) {
  const limit = input.limit ?? 100
  const offset = input.offset ?? 0
  const direction: Direction = input.orderDirection ?? 'asc'
  const terms = input.search !== undefined ? searchTerms(input.search) : undefined
  const conditions = [whereOf(dialect, table, input.filter, limits)]
  let similarity: Sql | undefined
  if (terms) {
    const matches = terms.map((t) => dialect.searchMatches(table.rowsTable, t))
    conditions.push(matches.length ? sql<boolean>`(${sql.join(matches, sql` OR `)})` : sql<boolean>`(1 = 0)`)
    similarity = matches.length
      ? sql`(CAST((${sql.join(matches.map((m) => sql`(CASE WHEN ${m} THEN 1 ELSE 0 END)`), sql` + `)}) AS DOUBLE PRECISION) / ${sql.lit(matches.length)})`
      : sql`0`
  }
  let query = (db as Kysely<any>)
    .selectFrom(table.rowsTable)
    .select(['id', 'createdAt', 'updatedAt', 'data'])
    .where(sql<boolean>`${sql.join(conditions, sql` AND `)}`)
  if (similarity) query = query.select(similarity.as('similarity'))
  if (similarity && input.orderBy === undefined) {
    query = query.orderBy(sql`"similarity" DESC`).orderBy(sql`"id" ASC`)
  } else {
    const orderBy = input.orderBy ?? 'id'
    query = query.orderBy(ordered(columnExpr(dialect, resolveField(orderBy, table.columnsByName, 'orderBy'), 'orderBy'), direction))
    if (orderBy !== 'id') query = query.orderBy(ordered(sql.ref('id'), direction))
  }
  return query.limit(limit + 1).offset(offset)
}

export async function findRows(db: Db, dialect: TablesDialect, table: LoadedTable, input: FindInput, limits: FilterLimits): Promise<PublicApi.FindTableRowsResponse> {
  const limit = input.limit ?? 100
  const offset = input.offset ?? 0
  const warnings: string[] = []
  if (input.search !== undefined && !table.columns.some((c) => c.searchable)) {
    warnings.push('The table has no searchable column: mark columns with "x-zui": { "searchable": true } to search them')
  }
  if (input.group) return { ...(await groupRows(db, dialect, table, input, limits)), ...(warnings.length && { warnings }) }
  const select = input.select?.map((path) => resolveField(path, table.columnsByName, 'select'))
  const found = (await findQuery(db, dialect, table, input, limits).execute()) as (StoredRow & { similarity?: number | string })[]
  const rows = found.slice(0, limit).map((stored) => {
    const data = rowData(stored)
    const row = toRow(stored, select ? project(data, select) : data)
    if (stored.similarity !== undefined) row.similarity = Number(stored.similarity)
    return row
  })
  return { rows, hasMore: found.length > limit, offset, limit, ...(warnings.length && { warnings }) }
}

/** Keeps only the selected columns and nested keys of a row's data. */
function project(data: Record<string, unknown>, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (field.system) continue
    const keys = [field.path.column, ...field.path.sub]
    let source: unknown = data
    for (const key of keys) source = source && typeof source === 'object' && !Array.isArray(source) ? (source as Record<string, unknown>)[key] : undefined
    if (source === undefined) continue
    let target = out
    for (const key of keys.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {}
      target = target[key] as Record<string, unknown>
    }
    target[keys[keys.length - 1]!] = source
  }
  return out
}

const AGGREGATIONS = ['key', 'count', 'sum', 'avg', 'min', 'max', 'unique'] as const
type Aggregation = (typeof AGGREGATIONS)[number]

type GroupColumn = { name: string; field: Field; expr: Sql; ops: Aggregation[] }

function parseGroup(dialect: TablesDialect, table: LoadedTable, group: Record<string, unknown>): GroupColumn[] {
  const entries = Object.entries(group)
  if (!entries.length) throw invalidQuery('group: name at least one column, e.g. {"status": "key", "amount": ["sum"]}')
  return entries.map(([name, spec]) => {
    const where = `group.${name}`
    const ops = (Array.isArray(spec) ? spec : [spec]) as unknown[]
    if (!ops.length || !ops.every((op): op is Aggregation => AGGREGATIONS.includes(op as Aggregation))) {
      throw invalidQuery(`${where} takes one or more of ${AGGREGATIONS.join(', ')}, got ${JSON.stringify(spec)}`)
    }
    const field = resolveField(name, table.columnsByName, 'group')
    const kind = field.system ? field.kind : field.path.sub.length ? undefined : field.column.kind
    for (const op of ops) {
      if ((op === 'sum' || op === 'avg') && kind !== 'number') throw invalidQuery(`${where}: "${op}" needs a number column`)
      if ((op === 'min' || op === 'max') && kind !== 'number' && kind !== 'string' && kind !== 'date') {
        throw invalidQuery(`${where}: "${op}" needs a number, string or date column`)
      }
    }
    const needsValue = ops.some((op) => op !== 'count')
    const expr = needsValue ? columnExpr(dialect, field, where) : field.system ? sql`1` : sql`(CASE WHEN ${dialect.present(field.path)} THEN 1 END)`
    return { name, field, expr, ops: [...new Set(ops)] }
  })
}

const capitalized = (op: string) => op[0]!.toUpperCase() + op.slice(1)

function aggregate(dialect: TablesDialect, op: Aggregation, expr: Sql): Sql {
  switch (op) {
    case 'key':
      return expr
    case 'count':
      return sql`count(${expr})`
    case 'sum':
      // SQLite's total() never overflows; it answers 0 for no values where sum() answers NULL.
      return dialect.name === 'sqlite' ? sql`(CASE WHEN count(${expr}) = 0 THEN NULL ELSE total(${expr}) END)` : sql`sum(${expr})`
    case 'avg':
      return sql`avg(${expr})`
    case 'min':
      return sql`min(${expr})`
    case 'max':
      return sql`max(${expr})`
    case 'unique':
      return dialect.uniqueValues(expr)
  }
}

const compareValues = (a: unknown, b: unknown) => (a === b ? 0 : (a as any) < (b as any) ? -1 : 1)

/** One output row per group: `<column><Aggregation>` for each requested aggregation, e.g. `statusKey`, `amountSum`. */
async function groupRows(db: Db, dialect: TablesDialect, table: LoadedTable, input: FindInput, limits: FilterLimits) {
  const limit = input.limit ?? 100
  const offset = input.offset ?? 0
  const direction: Direction = input.orderDirection ?? 'asc'
  const columns = parseGroup(dialect, table, input.group!)
  const conditions = [whereOf(dialect, table, input.filter, limits)]
  if (input.search !== undefined) {
    const matches = searchTerms(input.search).map((t) => dialect.searchMatches(table.rowsTable, t))
    conditions.push(matches.length ? sql<boolean>`(${sql.join(matches, sql` OR `)})` : sql<boolean>`(1 = 0)`)
  }
  const outputs = columns.flatMap((c) => c.ops.map((op) => ({ column: c, op, alias: `${c.name}${capitalized(op)}` })))
  const keys = columns.filter((c) => c.ops.includes('key'))
  let query = (db as Kysely<any>)
    .selectFrom(table.rowsTable)
    .select(outputs.map((o, i) => aggregate(dialect, o.op, o.column.expr).as(`a${i}`)))
    .where(sql<boolean>`${sql.join(conditions, sql` AND `)}`)
  if (keys.length) {
    query = query.groupBy(keys.map((k) => k.expr))
    for (const k of keys) query = query.orderBy(ordered(k.expr, direction))
  }
  const found = (await query.limit(limit + 1).offset(offset).execute()) as Record<string, unknown>[]
  const rows = found.slice(0, limit).map((result, index) => {
    const row: PublicApi.Row = { id: offset + index + 1, computed: {} }
    outputs.forEach((o, i) => {
      row[o.alias] = outputValue(o.column, o.op, result[`a${i}`])
    })
    return row
  })
  return { rows, hasMore: found.length > limit, offset, limit }
}

/** Store values back to API values: counts and sums may come back as text, SQLite booleans as 1/0, unique lists as JSON. */
function outputValue(column: GroupColumn, op: Aggregation, value: unknown): unknown {
  if (value === null || value === undefined) return op === 'unique' ? [] : op === 'count' ? 0 : null
  const kind = column.field.system ? column.field.kind : column.field.column.kind
  const typed = (v: unknown) => (kind === 'boolean' ? v === true || v === 1 || v === '1' : kind === 'number' ? Number(v) : v)
  switch (op) {
    case 'count':
    case 'sum':
    case 'avg':
      return Number(value)
    case 'unique': {
      const values = (typeof value === 'string' ? JSON.parse(value) : value) as unknown[]
      return values.map(typed).sort(compareValues)
    }
    default:
      return typed(value)
  }
}
