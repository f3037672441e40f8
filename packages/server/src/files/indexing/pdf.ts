import { IndexingError, paragraphs, type Block } from './blocks.js'

/** A PDF's text layer, page by page (pdf.js through unpdf, loaded only when a PDF is indexed). */
export async function pdfBlocks(bytes: Uint8Array): Promise<Block[]> {
  const { extractText, getDocumentProxy } = await import('unpdf')
  let pages: string[]
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes))
    pages = (await extractText(pdf, { mergePages: false })).text
  } catch (error) {
    throw new IndexingError(`The file could not be read as PDF: ${(error as Error).message}`)
  }
  return pages.flatMap((text, i) => paragraphs(text, i + 1))
}
