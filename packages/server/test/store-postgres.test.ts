/**
 * Many bpkit servers can share one PostgreSQL database, one schema each (test servers do). Opening a store
 * must not depend on what happens in the other schemas meanwhile.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { dropPostgresSchema, openStore } from '../src/store/store.js'

const postgresUrl = process.env.BPKIT_TEST_POSTGRES_URL
const schemaName = (purpose: string) => `bpkit_${purpose}_${randomBytes(5).toString('hex')}`

if (postgresUrl) {
  describe('PostgreSQL store (postgres)', () => {
    it('migrates a new schema while other schemas of the database are created and dropped', async () => {
      const { default: pg } = await import('pg')
      const churner = new pg.Client({ connectionString: postgresUrl })
      await churner.connect()
      let opening = true
      // Another server's life, over and over: a schema with tables, dropped moments later.
      const churn = (async () => {
        while (opening) {
          const other = schemaName('churn')
          await churner.query(`CREATE SCHEMA "${other}"`)
          for (let t = 0; t < 5; t++) await churner.query(`CREATE TABLE "${other}".t${t} (id text primary key, body jsonb, at timestamptz)`)
          await churner.query(`DROP SCHEMA "${other}" CASCADE`)
        }
      })()
      const schemas = Array.from({ length: 6 }, () => schemaName('open'))
      try {
        for (const schema of schemas) {
          const store = await openStore({ database: postgresUrl, postgresSchema: schema })
          const tables = await store.db.introspection.getTables()
          await store.close()
          assert.ok(tables.some((table) => table.name === 'messages' && table.schema === schema), `the migrated tables of ${schema}`)
        }
      } finally {
        opening = false
        await churn
        await churner.end()
        for (const schema of schemas) await dropPostgresSchema(postgresUrl, schema)
      }
    })
  })
}
