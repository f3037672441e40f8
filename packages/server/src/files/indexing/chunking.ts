import type { Block } from './blocks.js'

export type ChunkingOptions = {
  /** Longest passage, in characters. */
  maximumChunkLength: number
  /** A paragraph shorter than this is merged with the next one. */
  minimumParagraphLength: number
}

export const defaultChunking: ChunkingOptions = { maximumChunkLength: 1000, minimumParagraphLength: 0 }

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' })

/** Cuts text longer than `max` at sentence boundaries, then at spaces, then anywhere. */
function split(text: string, max: number): string[] {
  if (text.length <= max) return [text]
  const pieces: string[] = []
  let current = ''
  const push = () => {
    if (current.trim()) pieces.push(current.trim())
    current = ''
  }
  for (const { segment } of sentences.segment(text)) {
    if (current.length + segment.length <= max) {
      current += segment
      continue
    }
    push()
    if (segment.length <= max) {
      current = segment
      continue
    }
    for (const word of segment.split(/(?<=\s)/)) {
      if (current.length + word.length > max) push()
      for (let i = 0; i < word.length; i += max) {
        const part = word.slice(i, i + max)
        if (current.length + part.length > max) push()
        current += part
      }
    }
  }
  push()
  return pieces
}

/** Blocks → passages: short paragraphs merged forward, long blocks split; order kept. */
export function chunk(blocks: Block[], options: ChunkingOptions): Block[] {
  const merged: Block[] = []
  let pending: Block | undefined
  for (const block of blocks) {
    if (pending && block.subtype === 'paragraph' && block.pageNumber === pending.pageNumber) {
      block.content = `${pending.content}\n\n${block.content}`
    } else if (pending) {
      merged.push(pending)
    }
    pending = undefined
    if (block.subtype === 'paragraph' && block.content.length < options.minimumParagraphLength) pending = block
    else merged.push(block)
  }
  if (pending) merged.push(pending)
  return merged.flatMap((block) => split(block.content, Math.max(1, options.maximumChunkLength)).map((content) => ({ ...block, content })))
}
