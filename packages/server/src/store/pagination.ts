import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely'
import { invalidPayload } from '../errors.js'

/** Items per page when an operation does not say otherwise. */
export const DEFAULT_PAGE_SIZE = 20

export type SortDirection = 'asc' | 'desc'

type Cursor = { v: string | number; id: string }

/** `nextToken` is an opaque keyset cursor: the sort value and id of the last item of the previous page. */
export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify([cursor.v, cursor.id])).toString('base64url')

export function decodeCursor(token: string): Cursor {
  try {
    const [v, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown]
    if ((typeof v === 'string' || typeof v === 'number') && typeof id === 'string') return { v, id }
  } catch {
    // fall through to the error below
  }
  throw invalidPayload('Invalid "nextToken": pass the meta.nextToken of a previous page unchanged')
}

export type PageOptions = {
  /** Column to sort by (qualified if the query joins), e.g. `createdAt` or `users.updatedAt`. */
  sortColumn: string
  /** The id column the sort falls back to, so that equal sort values keep a stable order. Default `id`. */
  idColumn?: string
  direction?: SortDirection
  nextToken?: string
  pageSize?: number
}

/**
 * Fetches one page of `query` in a stable order, with no offset scan: rows after the cursor, one more than
 * the page size to know whether another page follows. Rows must select the sort and id columns.
 */
export async function paginate<DB, TB extends keyof DB, Row extends Record<string, any>>(
  query: SelectQueryBuilder<DB, TB, Row>,
  options: PageOptions,
): Promise<{ items: Row[]; meta: { nextToken?: string } }> {
  const direction = options.direction ?? 'desc'
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  const idColumn = options.idColumn ?? 'id'
  const sortKey = options.sortColumn.split('.').pop()!
  const idKey = idColumn.split('.').pop()!
  const sortRef = sql.ref(options.sortColumn)
  const idRef = sql.ref(idColumn)

  let q = query
  if (options.nextToken) {
    const cursor = decodeCursor(options.nextToken)
    const after: Expression<SqlBool> =
      direction === 'asc'
        ? sql<SqlBool>`(${sortRef} > ${cursor.v} or (${sortRef} = ${cursor.v} and ${idRef} > ${cursor.id}))`
        : sql<SqlBool>`(${sortRef} < ${cursor.v} or (${sortRef} = ${cursor.v} and ${idRef} < ${cursor.id}))`
    q = q.where(after) as typeof q
  }
  const rows = await q
    .orderBy(sortRef, direction)
    .orderBy(idRef, direction)
    .limit(pageSize + 1)
    .execute()

  const items = rows.slice(0, pageSize)
  const last = items[items.length - 1]
  const nextToken = rows.length > pageSize && last ? encodeCursor({ v: last[sortKey], id: last[idKey] }) : undefined
  return { items, meta: nextToken ? { nextToken } : {} }
}
