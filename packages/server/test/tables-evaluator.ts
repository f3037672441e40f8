/**
 * A plain in-memory evaluation of a Botpress table filter over rows, written from the documented semantics
 * (docs/tables.md, "The query language") and independent of the server's SQL compiler: the fuzz test checks that both agree.
 * - a comparison only matches a value of the compared value's JSON type; strings compare by code unit;
 * - missing and null are the same; $ne, $nin and $not match rows where the value is missing.
 */
type Row = Record<string, unknown>

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function valueAt(row: Row, path: string): unknown {
  let value: unknown = row
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined
  return value ?? null
}

const present = (v: unknown) => v !== null && v !== undefined

function equals(v: unknown, x: unknown): boolean {
  if (x === null) return !present(v)
  return typeof v === typeof x && v === x
}

function compare(v: unknown, op: string, x: unknown): boolean {
  if (!present(v) || typeof v !== typeof x || typeof v === 'object') return false
  const a = v as string | number | boolean
  const b = x as string | number | boolean
  switch (op) {
    case '$gt':
      return a > b
    case '$gte':
      return a >= b
    case '$lt':
      return a < b
    case '$lte':
      return a <= b
  }
  throw new Error(op)
}

function fieldMatches(v: unknown, condition: unknown): boolean {
  if (!isObject(condition)) return equals(v, condition)
  return Object.entries(condition).every(([op, x]) => {
    switch (op) {
      case '$eq':
        return equals(v, x)
      case '$ne':
        return !equals(v, x)
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return compare(v, op, x)
      case '$in':
        return (x as unknown[]).some((item) => equals(v, item))
      case '$nin':
        return !(x as unknown[]).some((item) => equals(v, item))
      case '$exists':
        return present(v) === x
      case '$regex':
        return typeof v === 'string' && new RegExp(x as string, `s${condition.$options === 'i' ? 'i' : ''}`).test(v)
      case '$options':
        return true
      case '$mod': {
        const [d, r] = x as [number, number]
        return typeof v === 'number' && Math.trunc(v) % d === r
      }
      case '$size':
        return Array.isArray(v) && v.length === x
      case '$not':
        return !fieldMatches(v, x)
    }
    throw new Error(`evaluator: unknown operator ${op}`)
  })
}

export function matches(row: Row, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (key === '$and') return (value as Record<string, unknown>[]).every((f) => matches(row, f))
    if (key === '$or') return (value as Record<string, unknown>[]).some((f) => matches(row, f))
    if (key === '$not') return !matches(row, value as Record<string, unknown>)
    return fieldMatches(valueAt(row, key), value)
  })
}
