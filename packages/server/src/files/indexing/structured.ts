import { parse as parseCsv } from 'csv-parse/sync'
import { IndexingError, type Block } from './blocks.js'

/** `a.b[0].c: value` lines for every leaf of a JSON value. */
function leaves(value: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out)
  else out.push(path ? `${path}: ${String(value)}` : String(value))
  return out
}

/** A JSON document: one passage per element of a top-level array, or per top-level key of an object. */
export function jsonBlocks(text: string): Block[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new IndexingError(`The file is not valid JSON: ${(error as Error).message}`)
  }
  const parts: [string, unknown][] = Array.isArray(doc)
    ? doc.map((v) => ['', v])
    : doc && typeof doc === 'object'
      ? Object.entries(doc).map(([k, v]) => [k, v])
      : [['', doc]]
  return parts
    .map(([path, value]) => leaves(value, path, []).join('\n').trim())
    .filter(Boolean)
    .map((content) => ({ content, subtype: 'paragraph' as const }))
}

/** A CSV table with a header row: one passage per row, as `column: value` lines. */
export function csvBlocks(text: string): Block[] {
  let rows: Record<string, string>[]
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true, trim: true })
  } catch (error) {
    throw new IndexingError(`The file is not valid CSV: ${(error as Error).message}`)
  }
  return rows
    .map((row) => Object.entries(row).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}: ${v}`).join('\n'))
    .filter(Boolean)
    .map((content) => ({ content, subtype: 'table' as const }))
}
