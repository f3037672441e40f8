import { sql, type RawBuilder } from 'kysely'

/**
 * `a AND b AND c …` written as a balanced tree of parentheses, `((a AND b) AND (c AND d))`, so a condition
 * of a thousand parts nests about ten levels deep instead of a thousand. SQLite refuses an expression
 * deeper than 1000 (SQLITE_MAX_EXPR_DEPTH) and PostgreSQL's parser recurses once per level.
 */
export function balanced<T>(parts: readonly RawBuilder<T>[], operator: 'AND' | 'OR', empty: RawBuilder<T>): RawBuilder<T> {
  if (parts.length === 0) return empty
  if (parts.length === 1) return parts[0]!
  const middle = Math.ceil(parts.length / 2)
  const joiner = operator === 'AND' ? sql` AND ` : sql` OR `
  return sql<T>`(${balanced(parts.slice(0, middle), operator, empty)}${joiner}${balanced(parts.slice(middle), operator, empty)})`
}
