/** A piece of a document, before chunking: its text and what kind of block it came from. */
export type Subtype = 'title' | 'subtitle' | 'paragraph' | 'blockquote' | 'list' | 'table' | 'code' | 'image' | 'page'

export type Block = { content: string; subtype: Subtype; pageNumber?: number }

export class IndexingError extends Error {}

/** Splits plain text into paragraphs at blank lines. */
export function paragraphs(text: string, pageNumber?: number): Block[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((content) => ({ content, subtype: 'paragraph' as const, ...(pageNumber !== undefined && { pageNumber }) }))
}
