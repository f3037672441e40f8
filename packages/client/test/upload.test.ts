import { test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { Client, UploadFileError, files } from '@bpkit/client'
import { sendJson, startLoopback, type Loopback } from './helpers/loopback.js'

/** upsertFile answers with an uploadUrl on the same server; PUT /upload/<key> stores the bytes (or fails for "broken"). */
let server: Loopback
const stored = new Map<string, { body: string; contentType?: string; tagging?: string }>()
before(async () => {
  server = await startLoopback((req, res) => {
    if (req.method === 'PUT' && req.path === '/v1/files') {
      const input = JSON.parse(req.body)
      const file = { id: `file_${input.key}`, key: input.key, botId: 'bot_1', size: null, contentType: input.contentType ?? 'application/octet-stream', uploadUrl: `${server.url}/upload/${input.key}`, url: 'https://files/x', tags: input.tags ?? {}, createdAt: '', updatedAt: '' }
      return sendJson(res, 200, { file, sizeSent: input.size })
    }
    if (req.method === 'PUT' && req.path.startsWith('/upload/')) {
      if (req.path.endsWith('/broken')) return void res.writeHead(403).end('<Error>AccessDenied</Error>')
      stored.set(req.path.slice('/upload/'.length), { body: req.body, contentType: req.headers['content-type'], tagging: req.headers['x-amz-tagging'] as string | undefined })
      return void res.writeHead(200).end()
    }
    if (req.method === 'GET' && req.path === '/source.txt') return void res.writeHead(200).end('downloaded bytes')
    res.writeHead(404).end('missing')
  })
})
after(() => server.close())
beforeEach(() => stored.clear())

const client = () => new Client({ apiUrl: server.url, token: 'tok', botId: 'bot_1' })
const upserts = () => server.requests.filter((r) => r.path === '/v1/files').map((r) => JSON.parse(r.body))

test('content in every supported form is upserted with its size, then PUT to the upload URL', async () => {
  const text = 'héllo'
  const bytes = new TextEncoder().encode(text)
  const forms = { string: text, uint8array: bytes, buffer: Buffer.from(text), arraybuffer: bytes.buffer.slice(0), blob: new Blob([bytes]) }
  for (const [key, content] of Object.entries(forms)) {
    const { file } = await client().uploadFile({ key, content, contentType: 'text/plain', tags: { kind: key } })
    assert.equal(file.size, 6, key)
    assert.equal(stored.get(key)?.body, text, key)
    assert.equal(stored.get(key)?.contentType, 'text/plain', key)
    const upsert = upserts().at(-1)
    assert.equal(upsert.size, 6, key)
    assert.deepEqual(upsert.tags, { kind: key })
    assert.equal('content' in upsert, false)
  }
})

test('url downloads the bytes first; public immediate access tags the upload', async () => {
  const { file } = await new files.Client({ apiUrl: server.url, token: 't', botId: 'b' }).uploadFile({
    key: 'from-url',
    url: `${server.url}/source.txt`,
    publicContentImmediatelyAccessible: true,
  })
  assert.equal(file.size, 'downloaded bytes'.length)
  assert.equal(stored.get('from-url')?.body, 'downloaded bytes')
  assert.equal(stored.get('from-url')?.tagging, 'public=true')
})

test('both content and url, or neither, is an UploadFileError before any request', async () => {
  const before = server.requests.length
  await assert.rejects(client().uploadFile({ key: 'k', content: 'a', url: `${server.url}/source.txt` }), (e) => e instanceof UploadFileError && /both/.test(e.message))
  await assert.rejects(client().uploadFile({ key: 'k' }), (e) => e instanceof UploadFileError && /No content/.test(e.message))
  assert.equal(server.requests.length, before)
})

test('a failed download is an UploadFileError', async () => {
  await assert.rejects(client().uploadFile({ key: 'k', url: `${server.url}/nowhere` }), (e) => e instanceof UploadFileError && /download/.test(e.message) && /404/.test(e.message))
})

test('a failed PUT is an UploadFileError carrying the file record and the cause', async () => {
  await assert.rejects(client().uploadFile({ key: 'broken', content: 'x' }), (e) => {
    assert.ok(e instanceof UploadFileError)
    assert.match(e.message, /Failed to upload file: HTTP 403/)
    assert.equal(e.file?.id, 'file_broken')
    assert.ok(e.innerError instanceof Error)
    return true
  })
})
