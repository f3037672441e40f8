/**
 * Prepared queries (store/prepared.ts) are compiled once and run with new values: each run must use its own
 * values, constants in the query must stay, and a transaction must see its own writes through them. On SQLite
 * they skip Kysely's executor, so what a transaction means is checked here too: one outside a transaction in
 * progress waits for it to end, and a prepared write inside one is rolled back with it.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { prepared } from '../src/store/prepared.js'
import { sleep } from './runtime-support.js'
import { describeEachStore } from './support.js'

const insertAccount = prepared<{ id: string; email: string; at: string }, never>((db, p) =>
  db.insertInto('accounts').values({ id: p.id, email: p.email, displayName: null, profilePicture: null, createdAt: p.at, updatedAt: p.at }),
)

const accountByEmail = prepared<{ email: string }, { id: string; displayName: string | null }>((db, p) =>
  db.selectFrom('accounts').select(['id', 'displayName']).where('email', '=', p.email).where('createdAt', '>', '2000-01-01'),
)

describeEachStore('prepared queries', ({ server }) => {
  it('run with the values of each call, keep the constants, and work inside a transaction', async () => {
    const { db, transaction } = server().server.store
    const at = new Date().toISOString()
    const accounts = ['first', 'second'].map((name) => ({ id: `acct_prepared_${name}`, email: `${name}.prepared@example.com`, displayName: name, profilePicture: null, createdAt: at, updatedAt: at }))
    await db.insertInto('accounts').values(accounts).execute()
    for (const account of accounts) {
      const { rows } = await accountByEmail(db, { email: account.email })
      assert.deepEqual(rows, [{ id: account.id, displayName: account.displayName }])
    }
    assert.deepEqual((await accountByEmail(db, { email: 'nobody@example.com' })).rows, [])
    const seen = await transaction(async (trx) => {
      await trx.insertInto('accounts').values({ ...accounts[0]!, id: 'acct_prepared_third', email: 'third.prepared@example.com', displayName: 'third' }).execute()
      return (await accountByEmail(trx, { email: 'third.prepared@example.com' })).rows
    })
    assert.deepEqual(seen, [{ id: 'acct_prepared_third', displayName: 'third' }])
  })

  it('keep to their transaction: rolled back with it, and kept out of it', async () => {
    const { db, transaction, dialect } = server().server.store
    const at = new Date().toISOString()
    let seenOutside: unknown[] | undefined
    let outsideWhileOpen: Promise<unknown[]> | undefined
    const failed = transaction(async (trx) => {
      await insertAccount(trx, { id: 'acct_prepared_undone', email: 'undone.prepared@example.com', at })
      assert.equal((await accountByEmail(trx, { email: 'undone.prepared@example.com' })).rows.length, 1, 'the transaction sees its own prepared write')
      outsideWhileOpen = accountByEmail(db, { email: 'undone.prepared@example.com' }).then(({ rows }) => (seenOutside = rows))
      await sleep(20)
      // SQLite runs one transaction at a time: a statement outside waits. PostgreSQL answers it from what is committed.
      if (dialect === 'sqlite') assert.equal(seenOutside, undefined, 'a prepared read outside waits while the transaction is open')
      else assert.deepEqual(seenOutside, [], 'a read outside does not see what the transaction has not committed')
      throw new Error('roll back')
    })
    await assert.rejects(failed, /roll back/)
    assert.deepEqual(await outsideWhileOpen, [], 'and, run after it, does not see what it undid')
    assert.deepEqual((await accountByEmail(db, { email: 'undone.prepared@example.com' })).rows, [])
  })
})
