import { sql } from 'kysely'
import { ApiError } from '../errors.js'
import { balanced } from '../store/conditions.js'
import { scalarKind, type Path, type ScalarKind, type Sql, type TablesDialect } from './dialect.js'
import type { Column } from './schema.js'

/**
 * Compiles a Botpress (MongoDB-like) filter to one SQL condition. Semantics, the same on both stores:
 * - A comparison matches values of the compared value's JSON type only (`{ age: { $gt: "5" } }` matches no
 *   number), strings compare byte by byte.
 * - Missing and null are the same: `{ x: null }` and `{ x: { $exists: false } }` match both.
 * - Every condition is two-valued (never SQL NULL), so `$ne`, `$nin` and `$not` also match rows where the
 *   value is missing, as in MongoDB.
 */

export const invalidQuery = (message: string) => new ApiError('InvalidQuery', message)

export type Field =
  | { system: true; name: 'id' | 'createdAt' | 'updatedAt'; kind: ScalarKind }
  | { system: false; path: Path; column: Column }

const systemFields: Record<string, ScalarKind> = { id: 'number', createdAt: 'string', updatedAt: 'string' }

/** A path segment below an object column: a key, not an array index (the stores disagree on those). */
const KEY_SEGMENT = /^(?!\d+$)[^."\\]{1,100}$/

/** Resolves `name` or `column.key.key` against the table's columns, or says what is wrong with it. */
export function resolveField(name: string, columns: ReadonlyMap<string, Column>, where: string): Field {
  if (Object.hasOwn(systemFields, name)) return { system: true, name: name as 'id', kind: systemFields[name]! }
  const [head = '', ...sub] = name.split('.')
  const column = columns.get(head)
  if (!column) throw invalidQuery(`${where}: unknown column ${JSON.stringify(head)}`)
  if (sub.length) {
    if (column.kind !== 'object') throw invalidQuery(`${where}: ${JSON.stringify(name)} reaches into column "${head}", which is a ${column.kind} column; only object columns have nested keys`)
    const bad = sub.find((s) => !KEY_SEGMENT.test(s))
    if (bad !== undefined) throw invalidQuery(`${where}: ${JSON.stringify(name)} has the key ${JSON.stringify(bad)}; keys cannot be empty, numeric, or hold quotes or backslashes`)
  }
  return { system: false, path: { column: head, sub }, column }
}

type Scalar = string | number | boolean

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
const kindOfValue = (v: Scalar): ScalarKind => typeof v as ScalarKind

const TRUE = sql<boolean>`(1 = 1)`
const FALSE = sql<boolean>`(1 = 0)`
const not = (c: Sql<boolean>) => sql<boolean>`(NOT ${c})`
const and = (cs: Sql<boolean>[]) => balanced(cs, 'AND', TRUE)
const or = (cs: Sql<boolean>[]) => balanced(cs, 'OR', FALSE)

/** What one filter may ask of the store; the depth is a server setting (`maxFilterDepth`, BPKIT_MAX_FILTER_DEPTH). */
export type FilterLimits = { maxDepth: number }
const MAX_CONDITIONS = 500
const MAX_LIST = 1000

export const FIELD_OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$options', '$mod', '$size', '$not']
const LOGICAL_OPERATORS = ['$and', '$or', '$not']
const comparisons = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const

export class FilterCompiler {
  private conditions = 0

  constructor(
    private readonly dialect: TablesDialect,
    private readonly columns: ReadonlyMap<string, Column>,
    private readonly limits: FilterLimits,
  ) {}

  compile(filter: unknown): Sql<boolean> {
    return this.document(filter, 'filter', 0)
  }

  private document(filter: unknown, where: string, depth: number): Sql<boolean> {
    if (!isPlainObject(filter)) throw invalidQuery(`${where} must be an object, got ${describe(filter)}`)
    const max = this.limits.maxDepth
    if (depth > max) throw invalidQuery(`${where}: filters nest at most ${max} levels deep (the limit is BPKIT_MAX_FILTER_DEPTH)`)
    return and(
      Object.entries(filter).map(([key, value]) => {
        const at = `${where}.${key}`
        if (key === '$and' || key === '$or') {
          if (!Array.isArray(value) || value.length === 0) throw invalidQuery(`${at} must be a non-empty array of filters`)
          const parts = value.map((f, i) => this.document(f, `${at}[${i}]`, depth + 1))
          return key === '$and' ? and(parts) : or(parts)
        }
        if (key === '$not') return not(this.document(value, at, depth + 1))
        if (key.startsWith('$')) throw invalidQuery(`${where}: unknown operator "${key}"; logical operators are ${LOGICAL_OPERATORS.join(', ')}`)
        return this.field(resolveField(key, this.columns, where), value, at, depth)
      }),
    )
  }

  private field(field: Field, condition: unknown, where: string, depth: number): Sql<boolean> {
    if (!isPlainObject(condition)) {
      if (condition === null || isScalar(condition)) return this.equals(field, condition)
      throw invalidQuery(`${where} must be a string, number, boolean, null or an object of operators, got ${describe(condition)}`)
    }
    const keys = Object.keys(condition)
    if (!keys.length || keys.some((k) => !k.startsWith('$'))) {
      throw invalidQuery(`${where} must be an object of operators such as {"$eq": ...}; to compare a nested value use a dot path ("column.key")`)
    }
    if ('$options' in condition && !('$regex' in condition)) throw invalidQuery(`${where}: "$options" goes with "$regex"`)
    return and(keys.filter((k) => k !== '$options').map((op) => this.operator(field, op, condition[op], condition, `${where}.${op}`, depth)))
  }

  private operator(field: Field, op: string, value: unknown, condition: Record<string, unknown>, where: string, depth: number): Sql<boolean> {
    switch (op) {
      case '$eq':
        return this.equals(field, this.scalarOrNull(value, where))
      case '$ne':
        return not(this.equals(field, this.scalarOrNull(value, where)))
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (!isScalar(value)) throw invalidQuery(`${where} takes a string, number or boolean, got ${describe(value)}`)
        const kind = kindOfValue(value)
        return this.leaf(field, kind, (e) => this.dialect.compare(e, kind, comparisons[op], value), [value])
      }
      case '$in':
        return this.inList(field, value, where)
      case '$nin':
        return not(this.inList(field, value, where))
      case '$exists':
        if (typeof value !== 'boolean') throw invalidQuery(`${where} takes true or false, got ${describe(value)}`)
        return value ? this.present(field) : not(this.present(field))
      case '$regex':
        return this.regex(field, value, condition.$options, where)
      case '$mod': {
        if (!Array.isArray(value) || value.length !== 2 || !value.every(Number.isInteger) || value[0] === 0) {
          throw invalidQuery(`${where} takes [divisor, remainder], two integers with a divisor other than 0, got ${describe(value)}`)
        }
        const [divisor, remainder] = value as [number, number]
        return this.leaf(field, 'number', (e) => sql<boolean>`(${this.dialect.truncMod(e, divisor)} = ${remainder})`)
      }
      case '$size': {
        if (!Number.isInteger(value) || (value as number) < 0) throw invalidQuery(`${where} takes an integer ≥ 0, got ${describe(value)}`)
        if (field.system) return FALSE
        const length = this.dialect.arrayLength(field.path)
        return sql<boolean>`(${length} IS NOT NULL AND ${length} = ${value as number})`
      }
      case '$not':
        if (!isPlainObject(value)) throw invalidQuery(`${where} takes an object of operators, got ${describe(value)}`)
        return not(this.field(field, value, where, depth + 1))
      default:
        throw invalidQuery(`${where}: unknown operator "${op}"; column operators are ${FIELD_OPERATORS.join(', ')}`)
    }
  }

  /** A condition on the typed reader of `field`, false when the value is missing or of another type. */
  private leaf(field: Field, kind: ScalarKind, condition: (expr: Sql) => Sql<boolean>, values: Scalar[] = []): Sql<boolean> {
    if (++this.conditions > MAX_CONDITIONS) throw invalidQuery(`filter: at most ${MAX_CONDITIONS} conditions`)
    if (field.system) {
      if (field.kind !== kind) return FALSE
      // Row ids are integers: compared with a fraction they are read as floats (PostgreSQL will not bind 2.5 as an integer).
      const fractional = field.name === 'id' && values.some((v) => !Number.isInteger(v))
      return condition(fractional ? sql`CAST(${sql.ref('id')} AS DOUBLE PRECISION)` : sql.ref(field.name))
    }
    if (!field.path.sub.length && scalarKind(field.column.kind) !== undefined && scalarKind(field.column.kind) !== kind) return FALSE
    const expr = this.dialect.typed(field.path, kind)
    return sql<boolean>`(${expr} IS NOT NULL AND ${condition(expr)})`
  }

  private equals(field: Field, value: Scalar | null): Sql<boolean> {
    if (value === null) return not(this.present(field))
    const kind = kindOfValue(value)
    return this.leaf(field, kind, (e) => this.dialect.compare(e, kind, '=', value), [value])
  }

  private present(field: Field): Sql<boolean> {
    return field.system ? TRUE : this.dialect.present(field.path)
  }

  private inList(field: Field, value: unknown, where: string): Sql<boolean> {
    if (!Array.isArray(value)) throw invalidQuery(`${where} takes an array, got ${describe(value)}`)
    if (value.length > MAX_LIST) throw invalidQuery(`${where} takes at most ${MAX_LIST} values`)
    const byKind = new Map<ScalarKind, Scalar[]>()
    let hasNull = false
    value.forEach((v, i) => {
      const item = this.scalarOrNull(v, `${where}[${i}]`)
      if (item === null) hasNull = true
      else byKind.set(kindOfValue(item), [...(byKind.get(kindOfValue(item)) ?? []), item])
    })
    const parts = [...byKind].map(([kind, values]) => this.leaf(field, kind, (e) => this.dialect.inList(e, kind, values), values))
    if (hasNull) parts.push(not(this.present(field)))
    return or(parts)
  }

  private regex(field: Field, pattern: unknown, options: unknown, where: string): Sql<boolean> {
    if (typeof pattern !== 'string') throw invalidQuery(`${where} takes a string pattern, got ${describe(pattern)}`)
    if (options !== undefined && (typeof options !== 'string' || !/^i?$/.test(options))) {
      throw invalidQuery(`${where.replace(/\$regex$/, '$options')}: the only supported option is "i" (case-insensitive), got ${describe(options)}`)
    }
    try {
      new RegExp(pattern)
    } catch (error) {
      throw invalidQuery(`${where}: invalid regular expression: ${(error as Error).message}`)
    }
    return this.leaf(field, 'string', (e) => this.dialect.regex(e, pattern, options === 'i'))
  }

  private scalarOrNull(value: unknown, where: string): Scalar | null {
    if (value === null || isScalar(value)) return value
    throw invalidQuery(`${where} takes a string, number, boolean or null, got ${describe(value)}`)
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

export function compileFilter(filter: unknown, dialect: TablesDialect, columns: ReadonlyMap<string, Column>, limits: FilterLimits): Sql<boolean> {
  return new FilterCompiler(dialect, columns, limits).compile(filter)
}
