import type { Column } from './schema.js'

/**
 * Full-text search works on words: runs of letters and digits, lower-cased. The server splits text into
 * words itself, for rows and queries alike, so that SQLite's FTS5 and PostgreSQL's text search see the
 * same words and agree on every match.
 */
const WORD = /[\p{L}\p{N}]+/gu
const MAX_WORD = 64
export const MAX_SEARCH_TERMS = 16

export const words = (text: string): string[] => (text.toLowerCase().match(WORD) ?? []).map((w) => w.slice(0, MAX_WORD))

function leaves(value: unknown, out: string[]) {
  if (typeof value === 'string' || typeof value === 'number') out.push(String(value))
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, out))
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => leaves(v, out))
}

/** The words of a row's searchable columns, as stored in its `search` column. */
export function searchText(data: Record<string, unknown>, columns: Column[]): string {
  const texts: string[] = []
  for (const column of columns) if (column.searchable) leaves(data[column.name], texts)
  return words(texts.join(' ')).join(' ')
}

/** The distinct words of a search query (at most MAX_SEARCH_TERMS). */
export const searchTerms = (query: string): string[] => [...new Set(words(query))].slice(0, MAX_SEARCH_TERMS)
