import { it, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, startTestServer, type RunningServer, type TestServer } from '@bpkit/server'
import { clientFor, stores } from './support.js'
import { put, upsert } from './files-helpers.js'

const postgres = stores.find((s) => s.name === 'postgres')

// Several stateless server processes on one PostgreSQL store and one shared data folder: a URL signed by one
// is honoured by another, because the signing key lives in the store.
if (postgres) describe('files: two servers sharing one PostgreSQL store', () => {
  let first: TestServer
  let second: RunningServer
  before(async () => {
    first = await startTestServer({ database: postgres.database })
    second = await startServer({
      database: postgres.database,
      postgresSchema: first.server.config.postgresSchema,
      dataDir: first.server.config.dataDir,
      port: 0,
      logLevel: 'silent',
    })
  })
  after(async () => {
    await second?.close()
    await first?.close()
  })

  it('an upload URL handed out by one server is accepted by the other, once, and either serves the bytes', async () => {
    const file = await upsert(first, { key: 'shared.txt', size: 5 })
    const onSecond = file.uploadUrl.replace(first.url, second.url)
    assert.equal((await put(onSecond, 'hello', { 'content-type': 'text/plain' })).status, 200)
    assert.equal((await put(file.uploadUrl, 'again', { 'content-type': 'text/plain' })).status, 403, 'used once, whichever server took it')
    const { file: stored } = await clientFor(first).getFile({ id: file.id })
    assert.equal(stored.status, 'upload_completed')
    assert.equal(await (await fetch(stored.url.replace(first.url, second.url))).text(), 'hello')
    assert.equal(await (await fetch(stored.url)).text(), 'hello')
  })
})

describe('files: empty files', () => {
  for (const store of stores) {
    it(`a zero-byte file uploads and reads back (${store.name})`, async () => {
      const server = await startTestServer({ database: store.database })
      try {
        const file = await upsert(server, { key: 'empty.txt', size: 0 })
        assert.equal((await put(file.uploadUrl, '', { 'content-type': 'text/plain' })).status, 200)
        const { file: stored } = await clientFor(server).getFile({ id: file.id })
        assert.equal(stored.status, 'upload_completed')
        assert.equal(stored.size, 0)
        const response = await fetch(stored.url)
        assert.equal(response.status, 200)
        assert.equal(await response.text(), '')
      } finally {
        await server.close()
      }
    })
  }
})
