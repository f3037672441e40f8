// Every TypeScript example in docs/*.md compiles against the built packages (@bpkit/client, @bpkit/server).
// A ```ts block is type-checked as a module of its own (top-level await allowed); a block marked
// ```ts fragment is left out. The few names examples use without declaring them are declared once, below.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = join(import.meta.dirname, '..', '..', '..')
const docsDir = join(root, 'docs')

/**
 * What an example may use without declaring it: a configured client and the ids and token it would be
 * configured with. docs/README.md says so to the reader.
 */
const globals = `
declare const client: import('@bpkit/client').Client
declare const token: string
declare const workspaceId: string
declare const botId: string
declare const integrationId: string
declare const conversationId: string
declare const userId: string
declare const id: string
`

export type Example = { file: string; line: number; code: string }

/** The ```ts blocks of a Markdown text; `line` is the 1-based line of the block's first line of code. */
export function extractExamples(markdown: string, file: string): Example[] {
  const examples: Example[] = []
  const lines = markdown.split('\n')
  let open: { fence: string; info: string; start: number; body: string[] } | undefined
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!
    if (!open) {
      const match = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(text)
      if (match) open = { fence: match[2]!, info: match[3]!.trim(), start: i + 2, body: [] }
      continue
    }
    if (text.trim().startsWith(open.fence) && text.trim().replace(/[`~]/g, '') === '') {
      const [lang, ...flags] = open.info.split(/\s+/)
      if ((lang === 'ts' || lang === 'typescript') && !flags.includes('fragment')) {
        examples.push({ file, line: open.start, code: open.body.join('\n') + '\n' })
      }
      open = undefined
      continue
    }
    open.body.push(text)
  }
  if (open) throw new Error(`${file}:${open.start - 1}: a code block is not closed`)
  return examples
}

/** Type-checks the examples in one program; returns one `file:line: message` per error, in order. */
export function checkExamples(examples: Example[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    isolatedModules: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
  }
  // Virtual files beside docs/, so that imports resolve through the repository's node_modules.
  const virtual = new Map<string, { example?: Example; text: string }>()
  const globalsPath = join(docsDir, '__examples__', 'globals.d.ts')
  virtual.set(globalsPath, { text: globals })
  examples.forEach((example, n) => {
    const name = `${relative(docsDir, example.file).replace(/[^\w.-]/g, '_')}.${example.line}.${n}.ts`
    virtual.set(join(docsDir, '__examples__', name), { example, text: example.code })
  })
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (path) => virtual.has(path) || fileExists.call(host, path)
  host.readFile = (path) => virtual.get(path)?.text ?? readFile.call(host, path)
  host.getSourceFile = (path, language, onError, create) => {
    const entry = virtual.get(path)
    return entry ? ts.createSourceFile(path, entry.text, language) : getSourceFile.call(host, path, language, onError, create)
  }
  const program = ts.createProgram([...virtual.keys()], options, host)
  const messages: string[] = []
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
  for (const path of virtual.keys()) {
    const source = program.getSourceFile(path)!
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source))
  }
  for (const diagnostic of diagnostics) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')
    const entry = diagnostic.file ? virtual.get(diagnostic.file.fileName) : undefined
    if (!diagnostic.file || !entry?.example) {
      messages.push(`${diagnostic.file?.fileName ?? 'compiler'}: TS${diagnostic.code}: ${text}`)
      continue
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
    const where = `${relative(root, entry.example.file)}:${entry.example.line + line}`
    messages.push(`${where}: TS${diagnostic.code}: ${text}`)
  }
  return messages
}

const docFiles = () =>
  readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(docsDir, name))

test('every TypeScript example in docs/ compiles against the built packages', () => {
  const examples = docFiles().flatMap((file) => extractExamples(readFileSync(file, 'utf8'), file))
  assert.ok(examples.length >= 25, `expected the docs to hold examples, found ${examples.length}`)
  const errors = checkExamples(examples)
  assert.deepEqual(errors, [], `broken examples in docs/:\n${errors.join('\n')}`)
})

test('fragments are the exception', () => {
  const all = docFiles().map((file) => readFileSync(file, 'utf8'))
  const fragments = all.join('\n').match(/^```ts fragment/gm)?.length ?? 0
  const checked = all.join('\n').match(/^```ts\s*$/gm)?.length ?? 0
  assert.ok(fragments * 5 <= checked, `${fragments} fragments for ${checked} checked examples: mark fewer blocks as fragments`)
})

test('a broken example is reported with its Markdown file and line', () => {
  const file = join(docsDir, 'broken.md')
  const markdown = [
    '# Broken', // 1
    '', // 2
    '```ts', // 3
    "import { Client } from '@bpkit/client'", // 4
    'const c = new Client({ apiUrl: 3 })', // 5: apiUrl is a string
    'await c.getBot({ id })', // 6
    '```', // 7
    '', // 8
    '```ts fragment', // 9
    'this is not TypeScript', // 10
    '```', // 11
    '```sh', // 12
    'echo not checked', // 13
    '```', // 14
    '```ts', // 15
    'const n: number = "text"', // 16
    '```', // 17
  ].join('\n')
  const examples = extractExamples(markdown, file)
  assert.deepEqual(
    examples.map((e) => e.line),
    [4, 16],
  )
  const errors = checkExamples(examples)
  assert.equal(errors.length, 2, errors.join('\n'))
  assert.match(errors[0]!, /^docs\/broken\.md:5: TS2322: /)
  assert.match(errors[1]!, /^docs\/broken\.md:16: TS2322: /)
})

test('an unclosed code block is an error naming its line', () => {
  assert.throws(() => extractExamples('text\n```ts\nconst a = 1\n', join(docsDir, 'open.md')), /open\.md:2: a code block is not closed/)
})

// Links between the pages: every relative link of README.md and docs/*.md names a file that exists, and an
// anchor that one of its headings makes (GitHub's slugs). Pages other sessions write are allowed while missing.
const writtenElsewhere = new Set<string>()

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes; repeats get -1, -2, … */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let inCode = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode
    const heading = !inCode && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const slug = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count ? `${slug}-${count}` : slug)
  }
  return anchors
}

test('links between README.md and the docs pages lead somewhere', () => {
  const pages = [join(root, 'README.md'), ...docFiles()]
  const broken: string[] = []
  for (const page of pages) {
    const text = readFileSync(page, 'utf8')
    const withoutCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '')
    for (const [, target] of withoutCode.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue
      const [path, anchor] = target!.split('#') as [string, string | undefined]
      const file = path ? join(page, '..', path) : page
      const name = relative(root, file)
      let exists = true
      try {
        readFileSync(file)
      } catch {
        exists = false
      }
      if (!exists) {
        if (!writtenElsewhere.has(name)) broken.push(`${relative(root, page)}: ${target} (no file ${name})`)
        continue
      }
      if (anchor && name.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${relative(root, page)}: ${target} (no heading #${anchor} in ${name})`)
      }
    }
  }
  assert.deepEqual(broken, [])
})

test('docs/server.md documents every option and BPKIT_* variable of the configuration', () => {
  const config = readFileSync(join(root, 'packages', 'server', 'src', 'config.ts'), 'utf8')
  const options = /export type ServerOptions = \{([\s\S]*?)\n\}/.exec(config)![1]!
  const names = [...options.matchAll(/^\s{2}(\w+)\?:/gm)].map((m) => m[1]!)
  const variables = [...new Set(config.match(/BPKIT_[A-Z_]+/g))]
  assert.ok(names.length >= 15 && variables.length >= 15, `read ${names.length} options and ${variables.length} variables`)
  const page = readFileSync(join(docsDir, 'server.md'), 'utf8')
  const missing = [...names.map((n) => `\`${n}\``), ...variables.map((v) => `\`${v}\``)].filter((name) => !page.includes(name))
  assert.deepEqual(missing, [], 'add them to the configuration table of docs/server.md')
})
