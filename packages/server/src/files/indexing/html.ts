import { Parser } from 'htmlparser2'
import type { Block, Subtype } from './blocks.js'

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg'])
const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'nav', 'aside', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'pre', 'blockquote', 'table', 'figure', 'figcaption', 'dl', 'dt', 'dd', 'hr', 'form', 'body',
])
const SUBTYPES: Record<string, Subtype> = {
  h1: 'title', h2: 'subtitle', h3: 'subtitle', h4: 'subtitle', h5: 'subtitle', h6: 'subtitle',
  li: 'list', pre: 'code', blockquote: 'blockquote', table: 'table',
}

/** The readable text of an HTML page, one block per heading, paragraph, list item, table, ... */
export function htmlBlocks(html: string): Block[] {
  const blocks: Block[] = []
  const open: string[] = []
  let skipping = 0
  let text = ''
  const inside = (tag: string) => open.includes(tag)
  const subtype = (): Subtype => {
    for (let i = open.length - 1; i >= 0; i--) if (SUBTYPES[open[i]!]) return SUBTYPES[open[i]!]!
    return 'paragraph'
  }
  const flush = () => {
    const kind = subtype()
    const content = kind === 'code' || kind === 'table'
      ? text.split('\n').map((l) => l.replace(/[ \t]+/g, ' ').trim()).filter(Boolean).join('\n')
      : text.replace(/\s+/g, ' ').trim()
    if (content) blocks.push({ content, subtype: kind })
    text = ''
  }
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipping++
        if (skipping) return
        if (BLOCK_TAGS.has(name) && !inside('table')) flush()
        if (name === 'br') text += '\n'
        if ((name === 'td' || name === 'th') && !text.endsWith('\n') && text) text += ' | '
        open.push(name)
      },
      ontext(chunk) {
        if (!skipping) text += chunk
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) {
          skipping = Math.max(0, skipping - 1)
          return
        }
        if (skipping) return
        if (name === 'tr') text += '\n'
        if (BLOCK_TAGS.has(name) && (name === 'table' || !inside('table'))) flush()
        const at = open.lastIndexOf(name)
        if (at >= 0) open.splice(at)
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  )
  parser.write(html)
  parser.end()
  flush()
  return blocks
}
