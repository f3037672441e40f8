import mime from 'mime-types'
import { IndexingError, paragraphs, type Block } from './blocks.js'
import { chunk, defaultChunking } from './chunking.js'
import { htmlBlocks } from './html.js'
import { markdownBlocks } from './markdown.js'
import { pdfBlocks } from './pdf.js'
import { csvBlocks, jsonBlocks } from './structured.js'

export { IndexingError, type Block } from './blocks.js'

type Reader = (bytes: Buffer) => Block[] | Promise<Block[]>

const text = (bytes: Buffer) => bytes.toString('utf8')

/** What bpkit can index, by media type. */
const readers: Record<string, Reader> = {
  'text/plain': (b) => paragraphs(text(b)),
  'text/markdown': (b) => markdownBlocks(text(b)),
  'text/x-markdown': (b) => markdownBlocks(text(b)),
  'text/html': (b) => htmlBlocks(text(b)),
  'application/xhtml+xml': (b) => htmlBlocks(text(b)),
  'application/json': (b) => jsonBlocks(text(b)),
  'text/csv': (b) => csvBlocks(text(b)),
  'application/pdf': (b) => pdfBlocks(b),
}

export const indexableTypes = Object.keys(readers)

function readerFor(contentType: string, key: string): Reader | undefined {
  const declared = contentType.split(';')[0]!.trim().toLowerCase()
  return readers[declared] ?? (declared === 'application/octet-stream' ? readers[mime.lookup(key) || ''] : undefined)
}

export type IndexingConfiguration = {
  parsing?: { minimumParagraphLength?: number }
  chunking?: { maximumChunkLength?: number }
}

/** A file's passages, in document order; IndexingError when its type cannot be indexed or its content is unreadable. */
export async function extractPassages(bytes: Buffer, contentType: string, key: string, configuration: IndexingConfiguration = {}): Promise<Block[]> {
  const reader = readerFor(contentType, key)
  if (!reader) throw new IndexingError(`Files of type "${contentType}" cannot be indexed by bpkit (indexable: ${indexableTypes.join(', ')})`)
  return chunk(await reader(bytes), {
    maximumChunkLength: configuration.chunking?.maximumChunkLength ?? defaultChunking.maximumChunkLength,
    minimumParagraphLength: configuration.parsing?.minimumParagraphLength ?? defaultChunking.minimumParagraphLength,
  })
}
