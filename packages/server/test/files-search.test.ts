import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { expectApiError, minimalPdf, put, upsert } from './files-helpers.js'

describeEachStore('files: indexing', ({ server }) => {
  it('follows the status lifecycle: upload_pending, then indexing_completed, or indexing_failed with the reason', async () => {
    const client = clientFor(server())
    const pending = await upsert(server(), { key: 'lifecycle.txt', size: 20, index: true })
    assert.equal(pending.status, 'upload_pending')
    assert.equal(pending.index, true)
    assert.equal((await put(pending.uploadUrl, 'Lifecycle of a file.', { 'content-type': 'text/plain' })).status, 200)
    const { file } = await client.getFile({ id: pending.id })
    assert.equal(file.status, 'indexing_completed')
    assert.equal(file.failedStatusReason, undefined)

    const { file: image } = await client.uploadFile({ key: 'picture.png', content: new Uint8Array([137, 80, 78, 71]), index: true })
    const { file: failed } = await client.getFile({ id: image.id })
    assert.equal(failed.status, 'indexing_failed')
    assert.match(failed.failedStatusReason!, /image\/png.*cannot be indexed/)

    const { file: broken } = await client.uploadFile({ key: 'broken.json', content: '{ not json', index: true })
    const { file: brokenState } = await client.getFile({ id: broken.id })
    assert.equal(brokenState.status, 'indexing_failed')
    assert.match(brokenState.failedStatusReason!, /not valid JSON/)

    const { file: plain } = await client.uploadFile({ key: 'not-indexed.txt', content: 'words' })
    assert.equal((await client.getFile({ id: plain.id })).file.status, 'upload_completed')
    assert.deepEqual((await client.listFilePassages({ id: plain.id })).passages, [])
  })

  it('splits text, Markdown, HTML, JSON, CSV and PDF into passages', async () => {
    const client = clientFor(server())
    const passagesOf = async (key: string, content: string | Uint8Array, contentType?: string) => {
      const { file } = await client.uploadFile({ key, content, index: true, contentType })
      assert.equal((await client.getFile({ id: file.id })).file.status, 'indexing_completed', key)
      return (await client.listFilePassages({ id: file.id })).passages.map((p) => ({ content: p.content, ...p.meta }))
    }

    const text = await passagesOf('doc.txt', 'First paragraph.\n\nSecond\nparagraph.\n\n\n')
    assert.deepEqual(text.map((p) => p.content), ['First paragraph.', 'Second\nparagraph.'])
    assert.deepEqual(text.map((p) => p.position), [0, 1])

    const markdown = await passagesOf('doc.md', '# Title\n\nIntro text.\n\n## Section\n\n- one\n- two\n\n```js\nconst x = 1\n\nx++\n```\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |')
    assert.deepEqual(markdown.map((p) => p.subtype), ['title', 'paragraph', 'subtitle', 'list', 'code', 'blockquote', 'table'])
    assert.equal(markdown[4]!.content, '```js\nconst x = 1\n\nx++\n```')

    const html = await passagesOf(
      'page.html',
      '<html><head><title>t</title><style>p{}</style></head><body><h1>Main &amp; only</h1><p>Some <b>bold</b> text.</p><script>alert(1)</script><ul><li>item one</li><li>item two</li></ul><table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table></body></html>',
    )
    assert.deepEqual(html, [
      { content: 'Main & only', type: 'chunk', subtype: 'title', position: 0 },
      { content: 'Some bold text.', type: 'chunk', subtype: 'paragraph', position: 1 },
      { content: 'item one', type: 'chunk', subtype: 'list', position: 2 },
      { content: 'item two', type: 'chunk', subtype: 'list', position: 3 },
      { content: 'k | v\na | 1', type: 'chunk', subtype: 'table', position: 4 },
    ])

    const json = await passagesOf('items.json', JSON.stringify([{ name: 'Ada', skills: ['math', 'code'] }, { name: 'Alan', born: 1912 }]))
    assert.deepEqual(json.map((p) => p.content), ['name: Ada\nskills[0]: math\nskills[1]: code', 'name: Alan\nborn: 1912'])

    const csv = await passagesOf('people.csv', 'name,city\nAda,"London, UK"\nGrace,Arlington\n')
    assert.deepEqual(csv.map((p) => [p.content, p.subtype]), [['name: Ada\ncity: London, UK', 'table'], ['name: Grace\ncity: Arlington', 'table']])

    const pdf = await passagesOf('paper.pdf', minimalPdf(['Llamas live in the Andes.', 'Alpacas are smaller.']))
    assert.deepEqual(pdf.map((p) => [p.content, p.pageNumber]), [['Llamas live in the Andes.', 1], ['Alpacas are smaller.', 2]])
  })

  it('honours indexing.configuration chunking and paragraph merging', async () => {
    const client = clientFor(server())
    const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} is here.`).join(' ')
    const { file } = await client.uploadFile({
      key: 'chunked.txt',
      content: `Tiny.\n\n${long}`,
      index: true,
      indexing: { configuration: { chunking: { maximumChunkLength: 200 }, parsing: { minimumParagraphLength: 50 } } },
    })
    const passages = await client.list.filePassages({ id: file.id }).collect()
    assert.ok(passages.length >= 5)
    for (const p of passages) assert.ok(p.content.length <= 200, `${p.content.length} > 200`)
    assert.ok(passages[0]!.content.startsWith('Tiny.\n\nSentence number 0'), 'the short paragraph joined the next one')
    assert.equal(passages.map((p) => p.content).join(' ').replace(/\s+/g, ' ').replace('Tiny. ', ''), long, 'nothing lost')
  })

  it('listFilePassages paginates with limit; setFilePassages replaces the passages search reads', async () => {
    const client = clientFor(server())
    const paragraphs = Array.from({ length: 45 }, (_, i) => `Paragraph ${i} about pagination.`)
    const { file } = await client.uploadFile({ key: 'long.txt', content: paragraphs.join('\n\n'), index: true })
    const first = await client.listFilePassages({ id: file.id, limit: 20 })
    assert.equal(first.passages.length, 20)
    const all = await client.list.filePassages({ id: 'long.txt', limit: 20 }).collect()
    assert.deepEqual(all.map((p) => p.content), paragraphs)
    await expectApiError(client.listFilePassages({ id: file.id, limit: 500 }), { code: 400, message: /limit/ })

    await client.setFilePassages({
      id: file.id,
      passages: [
        { content: '# Replaced', type: 'title' },
        { content: 'Completely new content about walruses.', type: 'paragraph', pageNumber: 3 },
      ],
    })
    const replaced = await client.listFilePassages({ id: file.id })
    assert.deepEqual(replaced.passages.map((p) => [p.content, p.meta.subtype, p.meta.pageNumber, p.meta.position]), [
      ['# Replaced', 'title', undefined, 0],
      ['Completely new content about walruses.', 'paragraph', 3, 1],
    ])
    assert.equal((await client.searchFiles({ query: 'walruses' })).passages[0]?.file.id, file.id)
    assert.equal((await client.searchFiles({ query: 'pagination' })).passages.filter((p) => p.file.id === file.id).length, 0)
    assert.equal((await client.getFile({ id: file.id })).file.status, 'indexing_completed')

    const pending = await upsert(server(), { key: 'empty.txt', size: 5 })
    await expectApiError(client.setFilePassages({ id: pending.id, passages: [{ content: 'x' }] }), { code: 400, message: /no content/ })
    await expectApiError(client.setFilePassages({ id: 'missing', passages: [] }), { code: 404 })
  })
})

describeEachStore('files: searchFiles', ({ server }) => {
  it('ranks passages by relevance and returns them with their file and a score', async () => {
    const client = clientFor(server())
    await client.uploadFile({
      key: 'kb/solar.md',
      index: true,
      tags: { topic: 'space' },
      metadata: { author: 'nasa' },
      content: '# Solar system\n\nThe sun is a star.\n\n## Planets\n\nJupiter is the largest planet of the solar system; planets orbit the sun.\n\nMars is red.',
    })
    await client.uploadFile({ key: 'kb/cooking.md', index: true, tags: { topic: 'food' }, content: '# Cooking\n\nBoil pasta in salted water.\n\nThe sun dries tomatoes.' })
    await client.uploadFile({ key: 'kb/unindexed.md', content: 'largest planet largest planet' })

    const { passages } = await client.searchFiles({ query: 'Which is the largest planet orbiting the sun?', contextDepth: 0 })
    assert.ok(passages.length >= 2)
    assert.equal(passages[0]!.content, 'Jupiter is the largest planet of the solar system; planets orbit the sun.')
    assert.equal(passages[0]!.file.key, 'kb/solar.md')
    assert.deepEqual(passages[0]!.file.tags, { topic: 'space' })
    assert.deepEqual(passages[0]!.file.metadata, { author: 'nasa' })
    assert.equal(passages[0]!.meta.subtype, 'paragraph')
    for (let i = 1; i < passages.length; i++) assert.ok(passages[i - 1]!.score >= passages[i]!.score, 'best first')
    for (const p of passages) assert.ok(p.score > 0 && p.score < 1)
    assert.ok(passages.every((p) => p.file.key !== 'kb/unindexed.md'), 'only indexed files are searched')

    const food = await client.searchFiles({ query: 'sun', tags: { topic: 'food' }, contextDepth: 0 })
    assert.deepEqual(food.passages.map((p) => p.content), ['The sun dries tomatoes.'])
    const notFood = await client.searchFiles({ query: 'sun', tags: { topic: { not: 'food' } } })
    assert.ok(notFood.passages.length >= 1 && notFood.passages.every((p) => p.file.key === 'kb/solar.md'))
    assert.equal((await client.searchFiles({ query: 'sun', limit: 1 })).passages.length, 1)
    assert.deepEqual((await client.searchFiles({ query: 'xylophone' })).passages, [])
    assert.deepEqual((await client.searchFiles({ query: '?!' })).passages, [])
    await expectApiError(client.searchFiles({ query: 'sun', limit: 0 }), { code: 400, message: /limit/ })
  })

  it('adds surrounding passages (contextDepth, withContext), breadcrumbs, or one consolidated passage per file', async () => {
    const client = clientFor(server())
    await client.uploadFile({
      key: 'ctx/manual.md',
      index: true,
      content: '# Manual\n\n## Setup\n\nPlug the cable.\n\nPress the quokka button.\n\nWait for the light.',
    })
    const [withDefault] = (await client.searchFiles({ query: 'quokka' })).passages
    assert.equal(withDefault!.content, 'Plug the cable.\n\nPress the quokka button.\n\nWait for the light.')

    const [detailed] = (await client.searchFiles({ query: 'quokka', contextDepth: 1, withContext: true, includeBreadcrumb: true })).passages
    assert.equal(detailed!.content, 'Manual > Setup\n\nPlug the cable.\n\nPress the quokka button.\n\nWait for the light.')
    assert.deepEqual(
      detailed!.context!.map((c) => [c.type, c.offset, c.text]),
      [
        ['breadcrumb', undefined, 'Manual'],
        ['breadcrumb', undefined, 'Setup'],
        ['preceding', -1, 'Plug the cable.'],
        ['current', 0, 'Press the quokka button.'],
        ['subsequent', 1, 'Wait for the light.'],
      ],
    )

    const consolidated = await client.searchFiles({ query: 'quokka cable', consolidate: true })
    assert.equal(consolidated.passages.length, 1)
    assert.equal(consolidated.passages[0]!.meta.type, 'consolidated')
    assert.equal(consolidated.passages[0]!.content, 'Manual > Setup\n\nPlug the cable.\n\nPress the quokka button.')
  })
})

describeEachStore('files: knowledge bases', ({ server }) => {
  it('creates, updates, lists (by tags, paginated) and deletes knowledge bases', async () => {
    const client = clientFor(server())
    const { knowledgeBase } = await client.createKnowledgeBase({ name: 'Support', tags: { team: 'cx', lang: 'en' } })
    assert.match(knowledgeBase.id, /^kb_/)
    assert.deepEqual(knowledgeBase, { id: knowledgeBase.id, name: 'Support', tags: { team: 'cx', lang: 'en' } })
    const { knowledgeBase: updated } = await client.updateKnowledgeBase({ id: knowledgeBase.id, name: 'Customer support', tags: { lang: null, tier: '1' } })
    assert.deepEqual(updated, { id: knowledgeBase.id, name: 'Customer support', tags: { team: 'cx', tier: '1' } })
    for (let i = 0; i < 21; i++) await client.createKnowledgeBase({ name: `kb ${i}`, tags: { batch: 'yes' } })
    const batch = await client.list.knowledgeBases({ tags: { batch: 'yes' } }).collect()
    assert.equal(batch.length, 21)
    const first = await client.listKnowledgeBases({})
    assert.equal(first.knowledgeBases.length, 20)
    assert.ok(first.meta.nextToken)
    const [listed] = (await client.listKnowledgeBases({ tags: { team: 'cx' } })).knowledgeBases
    assert.equal(listed!.name, 'Customer support')
    assert.ok(Date.parse(listed!.createdAt))

    await expectApiError(client.createKnowledgeBase({ name: ' ' }), { code: 400, message: /name/ })
    await client.deleteKnowledgeBase({ id: knowledgeBase.id })
    assert.equal((await client.listKnowledgeBases({ tags: { team: 'cx' } })).knowledgeBases.length, 0)
    await expectApiError(client.deleteKnowledgeBase({ id: knowledgeBase.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(client.updateKnowledgeBase({ id: knowledgeBase.id, name: 'x' }), { code: 404 })
  })
})
