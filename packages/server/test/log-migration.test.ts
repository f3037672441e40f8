/**
 * Migration 010 replaces the per-line log tables with batches: a store written by an earlier bpkit keeps
 * its log lines, in order, and loses the old tables.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { openStore } from '../src/store/store.js'
import { onScratchStore, storeMigratedTo } from './migration-support.js'
import { describeEachStore } from './support.js'

const LINES = 1_200
const stamp = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()

/** A store as bpkit left it before migration 010, at `database` (and `schema`), with LINES lines for one bot. */
async function storeBeforeLogBatches(database: string, schema?: string) {
  const db = await storeMigratedTo('009_usage', database, schema)
  const at = stamp(0)
  await db.insertInto('accounts').values({ id: 'acct_1', email: 'a@example.com', createdAt: at, updatedAt: at }).execute()
  await db.insertInto('workspaces').values({ id: 'wkspace_1', name: 'w', ownerId: 'acct_1', createdAt: at, updatedAt: at }).execute()
  await db.insertInto('bots').values({ id: 'bot_1', workspaceId: 'wkspace_1', name: 'b', data: '{}', createdAt: at, updatedAt: at }).execute()
  const lines = Array.from({ length: LINES }, (_, i) => ({
    id: `blog_${String(i).padStart(26, '0')}`,
    botId: 'bot_1',
    timestamp: stamp(i),
    level: i % 10 ? 'info' : 'warn',
    message: `getMessage 200 (line ${i})`,
    userId: i % 2 ? 'user_1' : null,
    conversationId: null,
    workflowId: null,
  }))
  for (let i = 0; i < LINES; i += 100) await db.insertInto('botLogs').values(lines.slice(i, i + 100)).execute()
  await db.destroy()
}

describeEachStore('log lines written before migration 010', ({ store }) => {
  it('are carried over into batches of their bot, in time order, and the old table is dropped', async () => {
    await onScratchStore(store, async ({ database, schema }) => {
      await storeBeforeLogBatches(database, schema)
      const migrated = await openStore({ database, postgresSchema: schema })
      try {
        const batches = await migrated.db.selectFrom('botLogBatches').selectAll().orderBy('firstTimestamp').execute()
        assert.deepEqual(
          batches.map((b) => JSON.parse(b.lines).length),
          [500, 500, 200],
        )
        const lines = batches.flatMap((b) => JSON.parse(b.lines) as unknown[][])
        assert.deepEqual(lines[0], [stamp(0), 'warn', 'getMessage 200 (line 0)', null, null, null])
        assert.deepEqual(lines[LINES - 1], [stamp(LINES - 1), 'info', `getMessage 200 (line ${LINES - 1})`, 'user_1', null, null])
        assert.deepEqual(
          lines.map((l) => l[0]),
          Array.from({ length: LINES }, (_, i) => stamp(i)),
        )
        assert.deepEqual(
          batches.map((b) => [b.botId, b.firstTimestamp, b.lastTimestamp]),
          [
            ['bot_1', stamp(0), stamp(499)],
            ['bot_1', stamp(500), stamp(999)],
            ['bot_1', stamp(1000), stamp(1199)],
          ],
        )
        const tables = (await migrated.db.introspection.getTables()).map((t) => t.name)
        assert.ok(!tables.includes('botLogs') && !tables.includes('integrationLogs'))
      } finally {
        await migrated.close()
      }
    })
  })
})
