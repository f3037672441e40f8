import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { put, upsert } from './files-helpers.js'

describeEachStore('files: concurrent callers', ({ server }) => {
  it('concurrent upsertFile calls for one key make one file', async () => {
    const client = clientFor(server())
    const results = await Promise.all(Array.from({ length: 20 }, () => client.upsertFile({ key: 'race.txt', size: 4 })))
    assert.equal(new Set(results.map((r) => r.file.id)).size, 1)
    const listed = await client.listFiles({ ids: [results[0]!.file.id] })
    assert.equal(listed.files.length, 1)
    // Only the last upsert's URL is current; every earlier one was replaced.
    const outcomes = await Promise.all(results.map((r) => put(r.file.uploadUrl, 'race', { 'content-type': 'text/plain' })))
    assert.equal(outcomes.filter((o) => o.status === 200).length, 1)
    assert.equal((await client.getFile({ id: 'race.txt' })).file.status, 'upload_completed')
  })

  it('concurrent PUTs to one upload URL: exactly one is accepted', async () => {
    const file = await upsert(server(), { key: 'once-racing.txt', size: 4 })
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => put(file.uploadUrl, 'data', { 'content-type': 'text/plain' })))
    assert.deepEqual(outcomes.map((o) => o.status).sort(), [200, ...Array(9).fill(403)])
    const { file: stored } = await clientFor(server()).getFile({ id: file.id })
    assert.equal(stored.status, 'upload_completed')
    assert.equal(await (await fetch(stored.url)).text(), 'data')
  })
})
