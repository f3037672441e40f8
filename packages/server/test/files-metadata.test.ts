import { it } from 'node:test'
import assert from 'node:assert/strict'
import { systemClock } from '../src/clock.js'
import { filesSection } from '../src/files/index.js'
import type { Services } from '../src/context.js'
import type { TestServer } from '@bpkit/server'
import { clientFor, describeEachStore } from './support.js'
import { blobsOfFile, createBotKey, createOtherAccount, createSiblingBot, expectApiError, upsert } from './files-helpers.js'

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

/** Time passes for one file: its expiry moves to the past, as if the clock had gone by it. */
const expireNow = (server: TestServer, fileId: string) =>
  server.server.store.db.updateTable('files').set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where('id', '=', fileId).execute()

/** Runs the server's files housekeeping once, as its sweep interval would. */
const sweep = (server: TestServer) =>
  filesSection.sweep!({ store: server.server.store, config: server.server.config, clock: systemClock } as unknown as Services)

describeEachStore('files: metadata, listing and tags', ({ server }) => {
  it('getFile finds a file by id or by key; updateFileMetadata merges tags and metadata and sets policies', async () => {
    const client = clientFor(server())
    const { file } = await client.uploadFile({ key: 'meta.txt', content: 'x', tags: { a: '1', b: '2' }, metadata: { keep: true, drop: 1 } })
    assert.equal((await client.getFile({ id: 'meta.txt' })).file.id, file.id)
    assert.equal((await client.getFile({ id: file.id })).file.key, 'meta.txt')
    await expectApiError(client.getFile({ id: 'nope.txt' }), { code: 404, type: 'ResourceNotFound' })

    const { file: updated } = await client.updateFileMetadata({
      id: 'meta.txt',
      tags: { b: null, c: '3' },
      metadata: { drop: null, added: { nested: [1, 2] } },
      accessPolicies: ['integrations'],
    })
    assert.deepEqual(updated.tags, { a: '1', c: '3' })
    assert.deepEqual(updated.metadata, { keep: true, added: { nested: [1, 2] } })
    assert.deepEqual(updated.accessPolicies, ['integrations'])
    assert.ok(updated.updatedAt >= file.updatedAt)
    assert.deepEqual((await client.getFile({ id: file.id })).file.tags, { a: '1', c: '3' })
    assert.deepEqual((await client.listFileTagValues({ tag: 'b' })).values, [], 'a deleted tag is no longer listed')

    await expectApiError(client.updateFileMetadata({ id: file.id, metadata: 'text' as never }), { code: 400, type: 'InvalidPayload', message: /metadata/ })
    await expectApiError(client.updateFileMetadata({ id: file.id, expiresAt: 'yesterday' }), { code: 400, message: /expiresAt/ })
    assert.deepEqual((await client.getFile({ id: file.id })).file.metadata, { keep: true, added: { nested: [1, 2] } }, 'a refused update changes nothing')
  })

  it('listFiles filters by tags (values, OR, not), ids and indexed; sorts and paginates', async () => {
    const client = clientFor(server())
    const made: string[] = []
    for (let i = 0; i < 25; i++) {
      const { file } = await client.uploadFile({
        key: `list/${String(i).padStart(2, '0')}.txt`,
        content: 'x'.repeat(i + 1),
        tags: { group: 'list', parity: i % 2 ? 'odd' : 'even', ...(i < 3 && { small: 'yes' }) },
        index: i === 0,
      })
      made.push(file.id)
    }
    const all = await client.list.files({ tags: { group: 'list' } }).collect()
    assert.equal(all.length, 25)
    const firstPage = await client.listFiles({ tags: { group: 'list' } })
    assert.equal(firstPage.files.length, 20)
    assert.ok(firstPage.meta.nextToken)
    const secondPage = await client.listFiles({ tags: { group: 'list' }, nextToken: firstPage.meta.nextToken })
    assert.equal(secondPage.files.length, 5)
    assert.equal(secondPage.meta.nextToken, undefined)
    assert.deepEqual(new Set([...firstPage.files, ...secondPage.files].map((f) => f.id)), new Set(made))

    const bySizeAsc = await client.list.files({ tags: { group: 'list' }, sortField: 'size', sortDirection: 'asc' }).collect()
    assert.deepEqual(bySizeAsc.map((f) => f.size), Array.from({ length: 25 }, (_, i) => i + 1))
    const byKeyDesc = await client.list.files({ tags: { group: 'list' }, sortField: 'key', sortDirection: 'desc' }).collect()
    assert.equal(byKeyDesc[0]!.key, 'list/24.txt')
    assert.equal(byKeyDesc[24]!.key, 'list/00.txt')

    assert.equal((await client.list.files({ tags: { group: 'list', parity: 'odd' } }).collect()).length, 12)
    assert.equal((await client.list.files({ tags: { small: ['yes', 'maybe'] } }).collect()).length, 3)
    assert.equal((await client.list.files({ tags: { group: 'list', parity: { not: 'odd' } } }).collect()).length, 13)
    const some = await client.listFiles({ ids: [made[3]!, made[7]!] })
    assert.deepEqual(new Set(some.files.map((f) => f.id)), new Set([made[3], made[7]]))
    const indexed = await client.listFiles({ tags: { group: 'list' }, indexed: true })
    assert.deepEqual(indexed.files.map((f) => f.id), [made[0]])
    await expectApiError(client.listFiles({ nextToken: 'garbage' }), { code: 400, type: 'InvalidPayload', message: /nextToken/ })
    await expectApiError(client.listFiles({ tags: { group: { gt: 'x' } } }), { code: 400, message: /tags\.group/ })
  })

  it('listFileTags and listFileTagValues list the bot’s distinct tags and values, paginated', async () => {
    const client = clientFor(server())
    for (let i = 0; i < 23; i++) await client.uploadFile({ key: `tags/${i}.txt`, content: 'x', tags: { [`t${String(i).padStart(2, '0')}`]: 'v', colour: `c${i % 3}` } })
    const tags = await client.list.fileTags({}).collect()
    for (let i = 0; i < 23; i++) assert.ok(tags.includes(`t${String(i).padStart(2, '0')}`))
    assert.ok(tags.includes('colour'))
    assert.equal(new Set(tags).size, tags.length, 'distinct')
    const first = await client.listFileTags({})
    assert.equal(first.tags.length, 20)
    assert.ok(first.meta.nextToken)
    assert.deepEqual([...first.tags].sort(), first.tags, 'sorted by name')
    assert.deepEqual((await client.listFileTagValues({ tag: 'colour' })).values, ['c0', 'c1', 'c2'])
    assert.deepEqual((await client.listFileTagValues({ tag: 'unknown' })).values, [])
  })

  it('upsertFile validates its input and changes nothing when refused', async () => {
    const client = clientFor(server())
    await expectApiError(client.upsertFile({ key: 'bad.txt', size: -1 }), { code: 400, type: 'InvalidPayload' })
    await expectApiError(client.upsertFile({ key: '', size: 1 }), { code: 400, message: /key/ })
    await expectApiError(client.upsertFile({ key: 'bad.txt', size: 1, contentType: 'not a type' }), { code: 400, message: /contentType/ })
    await expectApiError(client.upsertFile({ key: 'bad.txt', size: 1, expiresAt: new Date(Date.now() - 60_000).toISOString() }), { code: 400, message: /future/ })
    await expectApiError(client.upsertFile({ key: 'bad.txt', size: 1, expiresAt: inDays(91) }), { code: 400, message: /90 days/ })
    await expectApiError(client.getFile({ id: 'bad.txt' }), { code: 404 })
    const file = await upsert(server(), { key: 'no-extension', size: 1 })
    assert.equal(file.contentType, 'application/octet-stream')
  })
})

describeEachStore('files: expiry', ({ server }) => {
  it('an expired file is gone, bytes included, as soon as it is read', async () => {
    const client = clientFor(server())
    const { file } = await client.uploadFile({ key: 'short-lived.txt', content: 'bye', expiresAt: inDays(1) })
    const stored = (await client.getFile({ id: file.id })).file
    assert.equal(stored.expiresAt, new Date(stored.expiresAt!).toISOString())
    assert.equal(blobsOfFile(server(), file.id).length, 1)
    await expireNow(server(), file.id)
    assert.equal((await client.listFiles({ ids: [file.id] })).files.length, 0, 'not listed once expired')
    await expectApiError(client.getFile({ id: file.id }), { code: 404, type: 'ResourceNotFound' })
    assert.deepEqual(blobsOfFile(server(), file.id), [])
    assert.equal((await fetch(stored.url)).status, 404)
  })

  it('the sweep deletes expired files and their bytes; updateFileMetadata can clear an expiry', async () => {
    const client = clientFor(server())
    const { file: doomed } = await client.uploadFile({ key: 'swept.txt', content: 'bye', expiresAt: inDays(2) })
    const { file: kept } = await client.uploadFile({ key: 'kept.txt', content: 'stay', expiresAt: inDays(2) })
    const { file: cleared } = await client.updateFileMetadata({ id: kept.id, expiresAt: null })
    assert.equal(cleared.expiresAt, undefined)
    await expireNow(server(), doomed.id)
    await sweep(server())
    const rows = await server().server.store.db.selectFrom('files').select('id').where('id', 'in', [doomed.id, kept.id]).execute()
    assert.deepEqual(rows.map((r) => r.id), [kept.id])
    assert.deepEqual(blobsOfFile(server(), doomed.id), [])
    assert.equal(blobsOfFile(server(), kept.id).length, 1)
  })
})

describeEachStore('files: copyFile', ({ server }) => {
  it('copies bytes, tags, metadata and passages under a new key; refuses an existing key unless overwrite', async () => {
    const client = clientFor(server())
    const { file: source } = await client.uploadFile({ key: 'original.md', content: '# Original\n\nUnique words: zebra quartz.', tags: { t: '1' }, metadata: { m: 2 }, index: true })
    const { file: copy } = await client.copyFile({ idOrKey: 'original.md', destinationKey: 'copy.md' })
    assert.notEqual(copy.id, source.id)
    assert.equal(copy.key, 'copy.md')
    assert.deepEqual(copy.tags, { t: '1' })
    assert.deepEqual(copy.metadata, { m: 2 })
    assert.equal(copy.status, 'indexing_completed')
    assert.equal(await (await fetch(copy.url)).text(), '# Original\n\nUnique words: zebra quartz.')
    assert.equal((await client.listFilePassages({ id: copy.id })).passages.length, 2)
    const hits = await client.searchFiles({ query: 'zebra quartz' })
    assert.deepEqual(new Set(hits.passages.map((p) => p.file.key)), new Set(['original.md', 'copy.md']))

    await expectApiError(client.copyFile({ idOrKey: source.id, destinationKey: 'copy.md' }), { code: 409, type: 'AlreadyExists' })
    await client.uploadFile({ key: 'other.txt', content: 'replacement' })
    const { file: overwritten } = await client.copyFile({ idOrKey: 'other.txt', destinationKey: 'copy.md', overwrite: true })
    assert.equal(await (await fetch(overwritten.url)).text(), 'replacement')
    assert.deepEqual(blobsOfFile(server(), copy.id), [], 'the overwritten file’s bytes are freed')
    await expectApiError(client.getFile({ id: copy.id }), { code: 404 })
    await expectApiError(client.copyFile({ idOrKey: 'missing', destinationKey: 'x' }), { code: 404 })
    const pending = await upsert(server(), { key: 'pending.txt', size: 3 })
    await expectApiError(client.copyFile({ idOrKey: pending.id, destinationKey: 'x' }), { code: 400, message: /no content/ })
  })

  it('copies to another bot of the workspace with x-destination-bot-id, never to another workspace’s bot', async () => {
    const client = clientFor(server())
    const sibling = await createSiblingBot(server())
    const stranger = await createOtherAccount(server())
    await client.uploadFile({ key: 'shared.txt', content: 'for my sibling' })
    const { file } = await client.copyFile({ idOrKey: 'shared.txt', destinationKey: 'from-sibling.txt', 'x-destination-bot-id': sibling.botId })
    assert.equal(file.botId, sibling.botId)
    const siblingClient = clientFor(server(), { token: sibling.token, botId: sibling.botId })
    const { file: seen } = await siblingClient.getFile({ id: 'from-sibling.txt' })
    assert.equal(await (await fetch(seen.url)).text(), 'for my sibling')
    await expectApiError(client.getFile({ id: 'from-sibling.txt' }), { code: 404 })

    await expectApiError(client.copyFile({ idOrKey: 'shared.txt', destinationKey: 'stolen.txt', 'x-destination-bot-id': stranger.botId }), { code: 404 })
    const strangerClient = clientFor(server(), { token: stranger.token, botId: stranger.botId, workspaceId: stranger.workspaceId })
    assert.equal((await strangerClient.listFiles({})).files.length, 0)
  })

  it('with a bot key, overwrite only replaces a file that bot created', async () => {
    const sibling = await createSiblingBot(server())
    const ownKey = await createBotKey(server())
    const asBot = clientFor(server(), { token: ownKey })
    const siblingClient = clientFor(server(), { token: sibling.token, botId: sibling.botId })
    await siblingClient.uploadFile({ key: 'theirs.txt', content: 'sibling made this' })
    await siblingClient.copyFile({ idOrKey: 'theirs.txt', destinationKey: 'target.txt', 'x-destination-bot-id': server().botId })
    await asBot.uploadFile({ key: 'mine.txt', content: 'mine' })
    await expectApiError(asBot.copyFile({ idOrKey: 'mine.txt', destinationKey: 'target.txt', overwrite: true }), { code: 403, type: 'Forbidden' })
    const { file } = await asBot.copyFile({ idOrKey: 'mine.txt', destinationKey: 'mine-copy.txt' })
    const { file: again } = await asBot.copyFile({ idOrKey: 'mine.txt', destinationKey: 'mine-copy.txt', overwrite: true })
    assert.notEqual(again.id, file.id)
  })
})
