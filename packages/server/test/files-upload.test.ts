import { it, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { randomBytes } from 'node:crypto'
import { Client as OfficialClient, isApiError } from '@botpress/client'
import { startTestServer, type TestServer } from '@bpkit/server'
import { sign, signingKey } from '../src/files/signing.js'
import { clientFor, describeEachStore, stores } from './support.js'
import { blobsOfFile, expectApiError, put, serveBytes, storedFiles, upsert } from './files-helpers.js'

const download = async (url: string) => {
  const response = await fetch(url)
  return { status: response.status, type: response.headers.get('content-type'), bytes: new Uint8Array(await response.arrayBuffer()) }
}

describeEachStore('files: upload and download', ({ server }) => {
  it('uploadFile stores string, bytes, Blob and url content, and the file url reads the same bytes back', async () => {
    const client = clientFor(server())
    const bytes = randomBytes(64 * 1024)
    const source = await serveBytes(bytes)
    try {
      type UploadInput = Parameters<typeof client.uploadFile>[0]
      const cases: Array<{ key: string; content?: string | Uint8Array | Blob; url?: string; expected: Uint8Array; type: string }> = [
        { key: 'notes/hello.txt', content: 'héllo wörld', expected: new TextEncoder().encode('héllo wörld'), type: 'text/plain' },
        { key: 'bytes.bin', content: new Uint8Array(bytes), expected: bytes, type: 'application/octet-stream' },
        { key: 'blob.json', content: new Blob(['{"a":1}']), expected: new TextEncoder().encode('{"a":1}'), type: 'application/json' },
        { key: 'from-url.bin', url: source.url, expected: bytes, type: 'application/octet-stream' },
      ]
      for (const { expected, type, ...input } of cases) {
        const { file: uploaded } = await client.uploadFile(input as UploadInput)
        assert.equal(uploaded.key, input.key)
        assert.equal(uploaded.contentType, type, `content type inferred from ${input.key}`)
        const { file } = await client.getFile({ id: uploaded.id })
        assert.equal(file.status, 'upload_completed')
        assert.equal(file.size, expected.byteLength)
        assert.equal(file.botId, server().botId)
        assert.deepEqual(file.owner, { type: 'bot', id: server().botId })
        const read = await download(file.url)
        assert.equal(read.status, 200)
        assert.equal(read.type, type)
        assert.deepEqual(Buffer.from(read.bytes), Buffer.from(expected))
      }
    } finally {
      await source.close()
    }
  })

  it('the official @botpress/client uploads, indexes, searches and reads files', async () => {
    const official = new OfficialClient({ apiUrl: server().url, token: server().token, botId: server().botId, retry: { retries: 0 } } as never)
    const { file } = await official.uploadFile({
      key: 'compat/guide.md',
      content: '# Guide\n\nCompatibility keeps the official client working against bpkit.',
      index: true,
      tags: { source: 'compat' },
    })
    const { file: stored } = await official.getFile({ id: file.id })
    assert.equal(stored.status, 'indexing_completed')
    const { passages } = await official.searchFiles({ query: 'official client compatibility', tags: { source: 'compat' } })
    assert.equal(passages[0]?.file.id, file.id)
    assert.match(passages[0]!.content, /official client/)
    const read = await download(stored.url)
    assert.match(new TextDecoder().decode(read.bytes), /^# Guide/)
  })

  it('a download URL serves byte ranges (206) and HEAD, and refuses a range past the end (416)', async () => {
    const client = clientFor(server())
    const content = 'abcdefghijklmnopqrstuvwxyz'
    const { file } = await client.uploadFile({ key: 'alphabet.txt', content, accessPolicies: ['public_content'] })
    const { file: signed } = await client.uploadFile({ key: 'alphabet-private.txt', content })
    for (const url of [file.url, signed.url]) {
      const ranged = async (range: string) => {
        const response = await fetch(url, { headers: { range } })
        return { status: response.status, contentRange: response.headers.get('content-range'), length: response.headers.get('content-length'), text: await response.text(), requestId: response.headers.get('x-request-id') }
      }
      const answer = async (range: string) => {
        const { requestId: _, ...rest } = await ranged(range)
        return rest
      }
      assert.deepEqual(await answer('bytes=0-4'), { status: 206, contentRange: 'bytes 0-4/26', length: '5', text: 'abcde' })
      assert.deepEqual(await answer('bytes=20-'), { status: 206, contentRange: 'bytes 20-25/26', length: '6', text: 'uvwxyz' })
      assert.deepEqual(await answer('bytes=-3'), { status: 206, contentRange: 'bytes 23-25/26', length: '3', text: 'xyz' })
      assert.deepEqual(await answer('bytes=24-99'), { status: 206, contentRange: 'bytes 24-25/26', length: '2', text: 'yz' })
      const whole = await ranged('bytes=0-1, 5-6')
      assert.deepEqual([whole.status, whole.text], [200, content], 'several ranges: the whole file')
      // Found by the file URL fuzzer: the 416 is an error like any other, in the envelope with an x-request-id.
      for (const range of ['bytes=26-', 'bytes=-0']) {
        const past = await ranged(range)
        assert.equal(past.status, 416)
        assert.equal(past.contentRange, 'bytes */26')
        assert.match(past.requestId ?? '', /^req_/)
        const envelope = JSON.parse(past.text)
        assert.deepEqual(Object.keys(envelope).sort(), ['code', 'id', 'message', 'type'])
        assert.equal(envelope.code, 416)
        assert.match(envelope.message, /Range not satisfiable/)
      }

      const head = await fetch(url, { method: 'HEAD' })
      assert.equal(head.status, 200)
      assert.equal(head.headers.get('content-length'), '26')
      assert.equal(head.headers.get('accept-ranges'), 'bytes')
      assert.equal(head.headers.get('content-type'), 'text/plain')
      assert.equal(await head.text(), '')
    }
  })

  it('a file URL whose id holds a NUL is 404 in the envelope on either store, whatever the route', async () => {
    // Found by the file URL fuzzer: PostgreSQL refuses a NUL in text, and the public route looked the id up as sent.
    for (const [method, path] of [['GET', '/files/public/%00'], ['HEAD', '/files/public/a%00'], ['GET', '/files/download/file_%00?version=v&expires=1&signature=s'], ['PUT', '/files/upload/%00x?version=v&expires=1&signature=s']] as const) {
      const response = await fetch(`${server().url}${path}`, { method, ...(method === 'PUT' && { body: 'hi', headers: { 'content-type': 'text/plain' } }) })
      assert.equal(response.status, 404, `${method} ${path}`)
      assert.match(response.headers.get('x-request-id') ?? '', /^req_/)
      if (method !== 'HEAD') assert.equal((await response.json()).type, 'ResourceNotFound')
    }
  })

  it('upsertFile replaces a file by key: same id, pending again, the old upload URL refused, the old bytes gone', async () => {
    const client = clientFor(server())
    const { file: first } = await client.uploadFile({ key: 'replace.txt', content: 'version one' })
    const oldUrl = (await client.getFile({ id: first.id })).file.url
    const stale = await upsert(server(), { key: 'other-size.txt', size: 3 })
    const { file: pending } = await client.upsertFile({ key: 'replace.txt', size: 11, tags: { v: '2' } })
    assert.equal(pending.id, first.id)
    assert.equal(pending.status, 'upload_pending')
    assert.equal(pending.size, null)
    assert.deepEqual(blobsOfFile(server(), first.id), [], 'replaced bytes are deleted')
    assert.equal((await download(oldUrl)).status, 404)

    const { file: again } = await client.upsertFile({ key: 'replace.txt', size: 11 })
    const refused = await put(pending.uploadUrl, 'version two', { 'content-type': 'text/plain' })
    assert.equal(refused.status, 403)
    assert.match(refused.body.message, /replaced/)
    assert.equal((await put(again.uploadUrl, 'version two', { 'content-type': 'text/plain' })).status, 200)
    const { file } = await client.getFile({ id: 'replace.txt' })
    assert.equal(file.status, 'upload_completed')
    assert.equal(new TextDecoder().decode((await download(file.url)).bytes), 'version two')
    assert.equal(stale.status, 'upload_pending')
  })

  it('an upload URL works once', async () => {
    const file = await upsert(server(), { key: 'once.txt', size: 2 })
    assert.equal((await put(file.uploadUrl, 'ok', { 'content-type': 'text/plain' })).status, 200)
    const second = await put(file.uploadUrl, 'no', { 'content-type': 'text/plain' })
    assert.equal(second.status, 403)
    assert.equal(second.body.type, 'Forbidden')
    assert.match(second.body.message, /already been used/)
    const { file: stored } = await clientFor(server()).getFile({ id: file.id })
    assert.equal(new TextDecoder().decode((await download(stored.url)).bytes), 'ok')
  })

  it('refuses unsigned, tampered, other-file and expired upload URLs, leaving the file pending', async () => {
    const file = await upsert(server(), { key: 'guarded.txt', size: 2 })
    const other = await upsert(server(), { key: 'guarded-other.txt', size: 2 })
    const url = new URL(file.uploadUrl)
    const unsigned = new URL(url)
    unsigned.searchParams.delete('signature')
    assert.equal((await put(unsigned.href, 'hi')).status, 401)
    const tampered = new URL(url)
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600))
    assert.equal((await put(tampered.href, 'hi')).status, 403)
    const otherFile = new URL(url)
    otherFile.pathname = otherFile.pathname.replace(file.id, other.id)
    assert.equal((await put(otherFile.href, 'hi')).status, 403)

    // A URL the server itself signed, whose time is up.
    const expires = Math.floor(Date.now() / 1000) - 1
    const version = url.searchParams.get('version')!
    const key = await signingKey(server().server.store as unknown as Parameters<typeof signingKey>[0])
    const expired = new URL(url)
    expired.searchParams.set('expires', String(expires))
    expired.searchParams.set('signature', sign(key, { action: 'upload', fileId: file.id, version, expires }))
    const refused = await put(expired.href, 'hi', { 'content-type': 'text/plain' })
    assert.equal(refused.status, 403)
    assert.match(refused.body.message, /expired/)

    assert.equal((await clientFor(server()).getFile({ id: file.id })).file.status, 'upload_pending')
    assert.equal((await put(file.uploadUrl, 'hi', { 'content-type': 'text/plain' })).status, 200)
  })

  it('enforces the declared size: fewer or more bytes fail the upload, and the file says why', async () => {
    const client = clientFor(server())
    for (const [key, body] of [['short.txt', 'abc'], ['long.txt', 'abcdefghijkl']] as const) {
      const file = await upsert(server(), { key, size: 6 })
      const response = await put(file.uploadUrl, body, { 'content-type': 'text/plain' })
      assert.equal(response.status, 400)
      assert.equal(response.body.type, 'InvalidPayload')
      const { file: failed } = await client.getFile({ id: file.id })
      assert.equal(failed.status, 'upload_failed')
      assert.match(failed.failedStatusReason!, /does not match the size declared/)
      assert.equal(failed.size, null)
      assert.deepEqual(blobsOfFile(server(), file.id), [])
    }
    // Without a Content-Length (chunked), the size is checked as the bytes stream in.
    const chunked = await upsert(server(), { key: 'chunked.txt', size: 4 })
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('too many bytes')), c.close()) })
    const response = await put(chunked.uploadUrl, body, { 'content-type': 'text/plain' })
    assert.equal(response.status, 400)
    assert.equal((await client.getFile({ id: chunked.id })).file.status, 'upload_failed')
  })

  it('enforces the declared content type', async () => {
    const file = await upsert(server(), { key: 'typed.json', size: 2 })
    assert.equal(file.contentType, 'application/json')
    const response = await put(file.uploadUrl, '{}', { 'content-type': 'image/png' })
    assert.equal(response.status, 400)
    const { file: failed } = await clientFor(server()).getFile({ id: file.id })
    assert.equal(failed.status, 'upload_failed')
    assert.match(failed.failedStatusReason!, /Content-Type "image\/png" does not match the file's content type "application\/json"/)

    const withCharset = await upsert(server(), { key: 'charset.txt', size: 2, contentType: 'text/plain' })
    assert.equal((await put(withCharset.uploadUrl, 'ok', { 'content-type': 'text/plain; charset=utf-8' })).status, 200)
  })

  it('an upload interrupted mid-stream never reads as complete and leaves no bytes behind', async () => {
    const size = 1_000_000
    const file = await upsert(server(), { key: 'interrupted.bin', size })
    const url = new URL(file.uploadUrl)
    await new Promise<void>((resolve) => {
      const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': size } })
      req.on('error', () => resolve())
      req.write(randomBytes(size / 2), () => setTimeout(() => (req.destroy(), resolve()), 100))
    })
    const client = clientFor(server())
    let status = 'upload_pending'
    for (let i = 0; i < 100 && status === 'upload_pending'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      status = (await client.getFile({ id: file.id })).file.status
    }
    const { file: after } = await client.getFile({ id: file.id })
    assert.equal(after.status, 'upload_failed')
    assert.match(after.failedStatusReason!, /interrupted/)
    assert.deepEqual(blobsOfFile(server(), file.id), [])
    assert.deepEqual(storedFiles(server()).filter((f) => f.startsWith('tmp/')), [], 'no temporary file is left')
    assert.equal((await download(after.url)).status, 404)
  })

  it('deleteFile removes the record and frees its bytes on disk', async () => {
    const client = clientFor(server())
    const { file } = await client.uploadFile({ key: 'doomed.bin', content: randomBytes(4096) })
    const url = (await client.getFile({ id: file.id })).file.url
    assert.equal(blobsOfFile(server(), file.id).length, 1)
    await client.deleteFile({ id: 'doomed.bin' })
    assert.deepEqual(blobsOfFile(server(), file.id), [])
    await expectApiError(client.getFile({ id: file.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(client.deleteFile({ id: file.id }), { code: 404, type: 'ResourceNotFound' })
    assert.equal((await download(url)).status, 404)
  })

  it('download URLs are signed and expire; public_content files get a stable URL that needs no token', async () => {
    const client = clientFor(server())
    const { file: privateFile } = await client.uploadFile({ key: 'private.txt', content: 'secret' })
    const { file } = await client.getFile({ id: privateFile.id })
    const url = new URL(file.url)
    assert.ok(url.searchParams.get('signature') && Number(url.searchParams.get('expires')) > Date.now() / 1000)
    const tampered = new URL(url)
    tampered.searchParams.set('signature', 'x' + url.searchParams.get('signature')!.slice(1))
    assert.equal((await download(tampered.href)).status, 403)
    const bare = new URL(url)
    bare.search = ''
    assert.equal((await download(bare.href)).status, 401)
    assert.equal((await download(`${server().url}/files/public/${file.id}`)).status, 404, 'a private file has no public URL')

    const { file: publicFile } = await client.uploadFile({ key: 'public.txt', content: 'hello world', accessPolicies: ['public_content'] })
    const { file: stored } = await client.getFile({ id: publicFile.id })
    assert.equal(stored.url, `${server().url}/files/public/${publicFile.id}`)
    assert.equal((await client.getFile({ id: publicFile.id })).file.url, stored.url, 'stable across reads')
    const read = await download(stored.url)
    assert.equal(read.status, 200)
    assert.equal(new TextDecoder().decode(read.bytes), 'hello world')
  })
})

describe('files: size limit', () => {
  for (const store of stores) {
    describe(store.name, () => {
      let server: TestServer
      before(async () => {
        server = await startTestServer({ database: store.database, fileSizeLimit: 1000 })
      })
      after(() => server.close())

      it('refuses a declared size over the limit with 413, and an upload body over it too', async () => {
        const client = clientFor(server)
        const error = await client.upsertFile({ key: 'big.bin', size: 1001 }).catch((e: unknown) => e)
        assert.ok(isApiError(error))
        assert.equal(error.code, 413)
        assert.equal(error.type, 'PayloadTooLarge')
        await expectApiError(client.uploadFile({ key: 'big2.bin', content: new Uint8Array(2000) }), { code: 413 })

        const file = await upsert(server, { key: 'ok.bin', size: 1000 })
        const response = await put(file.uploadUrl, new Uint8Array(5000), { 'content-type': 'application/octet-stream' })
        assert.equal(response.status, 413)
        assert.equal(response.body.type, 'PayloadTooLarge')
        const { file: failed } = await client.getFile({ id: file.id })
        assert.equal(failed.status, 'upload_failed')
        assert.match(failed.failedStatusReason!, /size limit of 1000 bytes/)

        const { file: fits } = await client.uploadFile({ key: 'fits.bin', content: new Uint8Array(1000) })
        assert.equal((await client.getFile({ id: fits.id })).file.size, 1000)
      })
    })
  }
})
