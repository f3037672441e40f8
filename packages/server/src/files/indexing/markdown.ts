import type { Block, Subtype } from './blocks.js'

const HEADING = /^(#{1,6})\s+\S/
const FENCE = /^\s*(```|~~~)/
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+/
const TABLE_ROW = /^\s*\|/
const QUOTE = /^\s*>/

/** Markdown's block structure, line by line: headings, fenced code, lists, tables, quotes and paragraphs. */
export function markdownBlocks(text: string): Block[] {
  const blocks: Block[] = []
  let lines: string[] = []
  let kind = 'paragraph' as Subtype
  const flush = () => {
    const content = lines.join('\n').trim()
    if (content) blocks.push({ content, subtype: kind })
    lines = []
  }
  const start = (subtype: Subtype) => {
    if (kind !== subtype) flush()
    kind = subtype
  }
  const all = text.replace(/\r\n?/g, '\n').split('\n')
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!
    const fence = FENCE.exec(line)
    if (fence) {
      flush()
      const code = [line]
      while (++i < all.length) {
        code.push(all[i]!)
        if (all[i]!.trim().startsWith(fence[1]!)) break
      }
      lines = code
      kind = 'code'
      flush()
      continue
    }
    if (HEADING.test(line)) {
      flush()
      blocks.push({ content: line.trim(), subtype: /^#\s/.test(line) ? 'title' : 'subtitle' })
      continue
    }
    if (!line.trim()) {
      flush()
      continue
    }
    if (LIST_ITEM.test(line) || (kind === 'list' && /^\s+\S/.test(line))) start('list')
    else if (TABLE_ROW.test(line)) start('table')
    else if (QUOTE.test(line)) start('blockquote')
    else start('paragraph')
    lines.push(line)
  }
  flush()
  return blocks
}
