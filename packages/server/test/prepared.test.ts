/**
 * Prepared queries (store/prepared.ts) are compiled once and run with new values: each run must use its own
 * values, constants in the query must stay, and a transaction must see its own writes through them.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { prepared } from '../src/store/prepared.js'
import { describeEachStore } from './support.js'

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
})
