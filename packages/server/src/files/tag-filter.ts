import { sql, type Expression, type SqlBool } from 'kysely'
import { invalidPayload } from '../errors.js'
import { balanced } from '../store/conditions.js'
import { jsonText } from '../store/json.js'
import type { DialectName } from '../store/store.js'

/**
 * The `tags` filter of listFiles, searchFiles and listKnowledgeBases: `{ key: value }` matches, an array of
 * values is an OR, and `{ key: { not: value | values } }` excludes. It arrives as a query object
 * (`tags.key=value`, repeated keys for arrays) or as URL-encoded JSON text.
 */
export type TagCondition = { key: string; values: string[]; negate: boolean }

const asValues = (value: unknown, field: string): string[] => {
  const values = Array.isArray(value) ? value : [value]
  if (!values.length || values.some((v) => typeof v !== 'string')) {
    throw invalidPayload(`Invalid query: "${field}" must be a string, an array of strings, or { "not": ... } of those`)
  }
  return values as string[]
}

export function parseTagFilter(tags: unknown): TagCondition[] {
  if (tags === undefined || tags === null || tags === '') return []
  let filter = tags
  if (typeof filter === 'string') {
    try {
      filter = JSON.parse(filter)
    } catch {
      throw invalidPayload('Invalid query: "tags" must be an object of tag names to values (or URL-encoded JSON of one)')
    }
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw invalidPayload('Invalid query: "tags" must be an object of tag names to values')
  return Object.entries(filter).map(([key, value]) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value)
      if (keys.length !== 1 || keys[0] !== 'not') throw invalidPayload(`Invalid query: "tags.${key}" must be a string, an array of strings, or { "not": ... }`)
      return { key, values: asValues((value as { not: unknown }).not, `tags.${key}.not`), negate: true }
    }
    return { key, values: asValues(value, `tags.${key}`), negate: false }
  })
}

/** The SQL condition that the JSON tags in `column` satisfy every condition. */
export function tagFilterCondition(dialect: DialectName, column: string, conditions: TagCondition[]): Expression<SqlBool> {
  return balanced(
    conditions.map(({ key, values, negate }) => {
      const value = jsonText(dialect, column, key)
      const list = sql.join(values)
      return negate ? sql<SqlBool>`(${value} is null or ${value} not in (${list}))` : sql<SqlBool>`${value} in (${list})`
    }),
    'AND',
    sql<SqlBool>`1 = 1`,
  )
}
