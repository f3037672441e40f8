import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../store/database.js'
import type { DialectName } from '../store/store.js'

/**
 * Full-text passage search, the one place the dialects differ: SQLite ranks with FTS5's BM25 over an
 * external-content index (Porter stemming); PostgreSQL with ts_rank over a generated tsvector (English
 * stemming and stop words). Both match passages containing ANY of the query's words, ranked so that passages
 * holding more (and rarer) of them come first, the nearest a word index gets to "answers the question".
 */

export type PassageHit = {
  id: string
  fileId: string
  position: number
  content: string
  subtype: string | null
  pageNumber: number | null
  rank: number
}

export type SearchScope = { botId: string; query: string; limit: number; where: Expression<SqlBool> }

const PASSAGE_COLUMNS = ['filePassages.id', 'filePassages.fileId', 'filePassages.position', 'filePassages.content', 'filePassages.subtype', 'filePassages.pageNumber'] as const

/** `how do I reset?` → `"how" OR "do" OR "i" OR "reset"`: every word quoted, so no FTS5 syntax gets through. */
function fts5Query(text: string): string | undefined {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
  return words.length ? words.map((w) => `"${w}"`).join(' OR ') : undefined
}

export async function searchPassages(db: Kysely<Database>, dialect: DialectName, scope: SearchScope): Promise<PassageHit[]> {
  if (dialect === 'sqlite') {
    const match = fts5Query(scope.query)
    if (!match) return []
    const rows = await db
      .selectFrom('filePassagesFts')
      .innerJoin('filePassages', 'filePassages.seq', 'filePassagesFts.rowid')
      .innerJoin('files', 'files.id', 'filePassages.fileId')
      .select(PASSAGE_COLUMNS)
      // bm25() is negative, lower is better.
      .select(sql<number>`-bm25("filePassagesFts")`.as('rank'))
      .where(sql<SqlBool>`"filePassagesFts" MATCH ${match}`)
      .where('filePassages.botId', '=', scope.botId)
      .where(scope.where)
      .orderBy('rank', 'desc')
      .orderBy('filePassages.id')
      .limit(scope.limit)
      .execute()
    return rows
  }
  // plainto_tsquery normalises the words (stemming, stop words); its ANDs become ORs.
  const tsquery = sql`replace(plainto_tsquery('english', ${scope.query})::text, '&', '|')::tsquery`
  const rows = await db
    .selectFrom('filePassages')
    .innerJoin('files', 'files.id', 'filePassages.fileId')
    .select(PASSAGE_COLUMNS)
    .select(sql<number>`ts_rank("filePassages"."searchVector", ${tsquery})`.as('rank'))
    .where(sql<SqlBool>`"filePassages"."searchVector" @@ ${tsquery}`)
    .where('filePassages.botId', '=', scope.botId)
    .where(scope.where)
    .orderBy('rank', 'desc')
    .orderBy('filePassages.id')
    .limit(scope.limit)
    .execute()
  return rows.map((r) => ({ ...r, rank: Number(r.rank) }))
}
