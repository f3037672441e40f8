/**
 * The SQLite store commits concurrent writes together (store/sqlite-driver.ts). What must hold: a result is
 * handed back only once what it wrote or saw is committed, a failing statement or transaction undoes only
 * itself, and concurrent writes really do share commits. A second, independent connection to the same file
 * tells what is committed.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import SQLite from 'better-sqlite3'
import { checkpointOnWorker } from '../src/store/sqlite-checkpoints.js'
import { openStore, type Store } from '../src/store/store.js'
import { eventually } from './runtime-support.js'

const account = (n: number | string) => ({ id: `acct_${n}`, email: `${n}@example.com`, displayName: null, profilePicture: null, createdAt: 'now', updatedAt: 'now' })

describe('SQLite store: group commit', () => {
  let dir: string
  let store: Store
  let observer: SQLite.Database
  /** What another connection sees: only committed rows. */
  const committed = (id: string) => observer.prepare('select id from accounts where id = ?').get(id) !== undefined
  /** Frames in the write-ahead log: each commit appends at least one. */
  const walFrames = () => (observer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bpkit-store-'))
    // No checkpoint of the store's own while these tests count the frames of the WAL.
    store = await openStore({ database: join(dir, 'store.sqlite'), checkpoints: { intervalMs: 3_600_000 } })
    observer = new SQLite(join(dir, 'store.sqlite'))
    observer.pragma('wal_autocheckpoint = 0')
  })
  after(async () => {
    observer.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('hands back each of many concurrent writes only once it is committed', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `concurrent_${i}`)
    const seenCommitted = await Promise.all(
      ids.map(async (id) => {
        await store.db.insertInto('accounts').values(account(id)).execute()
        return committed(`acct_${id}`)
      }),
    )
    assert.deepEqual(seenCommitted, ids.map(() => true))
  })

  it('answers a read made while writes wait for their commit only once they are committed', async () => {
    const write = store.db.insertInto('accounts').values(account('read_after')).execute()
    const read = store.db.selectFrom('accounts').select('id').where('id', '=', 'acct_read_after').executeTakeFirst()
    const row = await read
    assert.equal(row?.id, 'acct_read_after')
    assert.ok(committed('acct_read_after'), 'what the read saw was committed before it was answered')
    await write
  })

  it('shares commits between concurrent writes, and commits sequential ones one by one', async () => {
    observer.pragma('wal_checkpoint(TRUNCATE)')
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.db.insertInto('accounts').values(account(`grouped_${i}`)).execute()))
    const grouped = walFrames()
    observer.pragma('wal_checkpoint(TRUNCATE)')
    for (let i = 0; i < 50; i++) await store.db.insertInto('accounts').values(account(`sequential_${i}`)).execute()
    const sequential = walFrames()
    assert.ok(sequential >= 50, `50 sequential writes made ${sequential} WAL frames`)
    assert.ok(grouped < 25, `50 concurrent writes made ${grouped} WAL frames`)
  })

  it('undoes a failing statement alone: the writes grouped with it are committed', async () => {
    await store.db.insertInto('accounts').values(account('taken')).execute()
    const results = await Promise.allSettled([
      store.db.insertInto('accounts').values(account('before_failure')).execute(),
      store.db.insertInto('accounts').values({ ...account('duplicate'), email: 'taken@example.com' }).execute(),
      store.db.insertInto('accounts').values(account('after_failure')).execute(),
    ])
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    )
    assert.ok(committed('acct_before_failure') && committed('acct_after_failure'))
    assert.equal(committed('acct_duplicate'), false)
  })

  it('undoes a failed transaction alone, and makes a committed one durable before it returns', async () => {
    const single = store.db.insertInto('accounts').values(account('beside_transactions')).execute()
    const failed = store.transaction(async (trx) => {
      await trx.insertInto('accounts').values(account('rolled_back')).execute()
      throw new Error('changed my mind')
    })
    const kept = store.transaction(async (trx) => {
      await trx.insertInto('accounts').values(account('kept_1')).execute()
      await trx.insertInto('accounts').values(account('kept_2')).execute()
      return committed('acct_kept_1')
    })
    await assert.rejects(failed, /changed my mind/)
    assert.equal(await kept, false, 'inside its transaction the row is not committed yet')
    assert.ok(committed('acct_kept_1') && committed('acct_kept_2'), 'once store.transaction returns, it is')
    await single
    assert.ok(committed('acct_beside_transactions'))
    assert.equal(committed('acct_rolled_back'), false)
  })

  it('keeps other statements out of a transaction in progress', async () => {
    let outsideDone = false
    const transaction = store.transaction(async (trx) => {
      await trx.insertInto('accounts').values(account('inside')).execute()
      await new Promise((resolve) => setTimeout(resolve, 20))
      const seen = await trx.selectFrom('accounts').select('id').where('id', '=', 'acct_outside').executeTakeFirst()
      throw Object.assign(new Error('roll back'), { seen, outsideDone })
    })
    const outside = store.db
      .insertInto('accounts')
      .values(account('outside'))
      .execute()
      .then(() => (outsideDone = true))
    const error = await transaction.catch((e: { seen?: unknown; outsideDone: boolean }) => e)
    await outside
    assert.equal(error.seen, undefined, 'the statement outside waited for the transaction to end')
    assert.equal(error.outsideDone, false)
    assert.ok(committed('acct_outside'), 'and was not rolled back with it')
    assert.equal(committed('acct_inside'), false)
  })
})

describe('SQLite store: checkpoints off the event loop', () => {
  it('moves what is written into the database file soon, well before the WAL holds 1000 pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpkit-store-'))
    const file = join(dir, 'store.sqlite')
    const store = await openStore({ database: file, checkpoints: { intervalMs: 20 } })
    try {
      // The migrated schema, checkpointed.
      await eventually(async () => statSync(file).size, (size) => size > 0, 5_000)
      const before = statSync(file).size
      // About 150 pages: SQLite left to itself would checkpoint only at 1000.
      const note = 'x'.repeat(4_000)
      for (let i = 0; i < 150; i++) await store.db.insertInto('accounts').values({ ...account(`bulky_${i}`), displayName: note }).execute()
      await eventually(async () => statSync(file).size, (size) => size >= before + 150 * 4_000, 5_000)
    } finally {
      await store.close()
    }
    assert.equal(existsSync(`${file}-wal`), false, 'closed, the store leaves no WAL behind')
    rmSync(dir, { recursive: true, force: true })
  })

  it('starts the WAL over although writes never stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpkit-store-'))
    const file = join(dir, 'store.sqlite')
    const store = await openStore({ database: file, checkpoints: { intervalMs: 10, restartFrames: 200 } })
    try {
      // Four writers, so that a commit is nearly always pending: the worker's passes alone never catch up with it.
      const note = 'x'.repeat(4_000)
      let written = 0
      const writer = async (lane: number) => {
        for (let i = 0; i < 1_500; i++, written++) await store.db.insertInto('accounts').values({ ...account(`steady_${lane}_${i}`), displayName: note }).execute()
      }
      await Promise.all([0, 1, 2, 3].map(writer))
      assert.equal(written, 6_000)
      // Left to grow, the WAL holds all of it (over 70 MB). How far it grows between restarts depends on how soon
      // the worker gets the CPU: about 12 MB seen with the whole test suite running beside it.
      const wal = statSync(`${file}-wal`).size
      assert.ok(wal < 32 * 1024 * 1024, `some 24 MB written, the WAL is ${(wal / 1024 / 1024).toFixed(1)} MB`)
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('hands checkpoints back to the connection when the worker cannot run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpkit-store-'))
    const connection = new SQLite(join(dir, 'store.sqlite'))
    connection.pragma('journal_mode = WAL')
    try {
      const checkpoints = checkpointOnWorker(connection, join(dir, 'no such file.sqlite'), { intervalMs: 20, restartFrames: 100 })
      assert.equal(connection.pragma('wal_autocheckpoint', { simple: true }), 0, 'while the worker checkpoints, the connection does not')
      await eventually(async () => connection.pragma('wal_autocheckpoint', { simple: true }), (pages) => pages === 1000, 5_000)
      await checkpoints.stop()
    } finally {
      connection.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
