/**
 * `bpkit backup` of a running server under write load, and `bpkit restore` into an empty data folder: the
 * restored server answers every write acknowledged before the backup began, and the file bytes.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from '@bpkit/client'
import { startServer, type RunningServer } from '@bpkit/server'

const cli = new URL('../../cli/dist/index.js', import.meta.url).pathname
const run = promisify(execFile)

const clientOf = (server: RunningServer) =>
  new Client({ apiUrl: server.url, token: server.credentials.token, workspaceId: server.credentials.workspaceId, botId: server.credentials.botId, retry: false })

describe('bpkit backup and restore (SQLite)', () => {
  const root = mkdtempSync(join(tmpdir(), 'bpkit-backup-'))
  after(() => rmSync(root, { recursive: true, force: true }))

  it('a backup taken under write load restores every write acknowledged before it began, and the file bytes', async () => {
    const source = await startServer({ dataDir: join(root, 'source'), port: 0, host: '127.0.0.1', logLevel: 'silent' })
    const client = clientOf(source)
    const bytes = Buffer.from('the bytes of a stored file\n'.repeat(100))
    const { file } = await client.upsertFile({ key: 'kept.txt', size: bytes.length, contentType: 'text/plain' })
    const upload = await fetch(file.uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } })
    assert.equal(upload.status, 200, await upload.text())

    // Four writers keep creating users while the backup runs.
    const acknowledged: { id: string; at: number }[] = []
    let writing = true
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const { user } = await client.createUser({ tags: { writer: String(w), n: String(i) } })
        acknowledged.push({ id: user.id, at: performance.now() })
      }
    })
    while (acknowledged.length < 50) await new Promise((resolve) => setTimeout(resolve, 10))
    const began = performance.now()
    const backupFile = join(root, 'snapshot.bpkit')
    const { stdout } = await run(process.execPath, [cli, 'backup', backupFile, '--data-dir', join(root, 'source')])
    assert.match(stdout, /backup written to .*snapshot\.bpkit \(database \d+ bytes, 2 files/)
    const writtenDuring = acknowledged.filter((a) => a.at > began).length
    writing = false
    await Promise.all(writers)
    await source.close()
    assert.ok(writtenDuring > 0, 'writes went on while the backup ran')

    const restoredDir = join(root, 'restored')
    const restoredOut = await run(process.execPath, [cli, 'restore', backupFile, '--data-dir', restoredDir])
    assert.match(restoredOut.stdout, /restored/)
    const restored = await startServer({ dataDir: restoredDir, port: 0, host: '127.0.0.1', logLevel: 'silent' })
    try {
      assert.equal(restored.credentials.token, source.credentials.token, 'the credentials file came back')
      const back = clientOf(restored)
      const before = acknowledged.filter((a) => a.at <= began)
      for (const { id } of before) assert.equal((await back.getUser({ id })).user.id, id)
      const { file: kept } = await back.getFile({ id: file.id })
      const download = await fetch(kept.url)
      assert.equal(download.status, 200)
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes)
    } finally {
      await restored.close()
    }
  })

  it('restore refuses a folder that is not empty, and a file that is not a backup', async () => {
    const busy = join(root, 'busy')
    const notBackup = join(root, 'not-a-backup.txt')
    writeFileSync(notBackup, 'hello')
    await run(process.execPath, [cli, 'restore', notBackup, '--data-dir', join(root, 'empty')]).then(
      () => assert.fail('restored a file that is not a backup'),
      (error: { stderr: string }) => assert.match(error.stderr, /not a bpkit backup|not a database/),
    )
    rmSync(join(root, 'empty'), { recursive: true, force: true })
    const server = await startServer({ dataDir: busy, port: 0, host: '127.0.0.1', logLevel: 'silent' })
    const file = join(root, 'busy.bpkit')
    await run(process.execPath, [cli, 'backup', file, '--data-dir', busy])
    await server.close()
    await run(process.execPath, [cli, 'restore', file, '--data-dir', busy]).then(
      () => assert.fail('restored over a data folder in use'),
      (error: { stderr: string }) => assert.match(error.stderr, /not empty/),
    )
    await run(process.execPath, [cli, 'backup', file, '--data-dir', busy]).then(
      () => assert.fail('overwrote a backup'),
      (error: { stderr: string }) => assert.match(error.stderr, /already exists/),
    )
  })

  it('on PostgreSQL it says to use pg_dump', async () => {
    await run(process.execPath, [cli, 'backup', join(root, 'pg.bpkit'), '--database', 'postgres://nobody@127.0.0.1:1/none']).then(
      () => assert.fail('backed up PostgreSQL'),
      (error: { stderr: string }) => assert.match(error.stderr, /pg_dump/),
    )
  })
})
