import { sql, type RawBuilder } from 'kysely'
import { balanced } from './conditions.js'
import type { DialectName } from './store.js'

/**
 * JSON is stored as text on both stores. These helpers are the one place where the dialects differ in
 * how a value inside it is read.
 */

/** The text value of top-level `key` of the JSON object in `column` (NULL when absent). */
export function jsonText(dialect: DialectName, column: string, key: string): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql<string | null>`(${sql.ref(column)}::jsonb ->> ${key})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${'$."' + key.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'})`
}

/** A condition that the JSON object in `column` holds every key/value pair of `tags`. */
export function hasTags(dialect: DialectName, column: string, tags: Record<string, string>): RawBuilder<boolean> {
  return balanced(
    Object.entries(tags).map(([k, v]) => sql<boolean>`${jsonText(dialect, column, k)} = ${v}`),
    'AND',
    sql<boolean>`1 = 1`,
  )
}

/** Parses a JSON text column, tolerating NULL. */
export const parseJson = <T = any>(text: string | null | undefined, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback)
