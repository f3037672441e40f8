/**
 * Migration 016 indexes the tags of the users and conversations already stored: a get-or-create whose lookup key
 * finds nothing searches by tags through that index, so a record stored before it must be found there, not made
 * again.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { openStore } from '../src/store/store.js'
import { onScratchStore, storeMigratedTo } from './migration-support.js'
import { describeEachStore } from './support.js'

const USERS = 1_200
const at = new Date(Date.UTC(2026, 0, 1)).toISOString()

describeEachStore('users and conversations stored before migration 016', ({ store }) => {
  it('have their tags indexed, one row per string tag, which go when their record is deleted', async () => {
    await onScratchStore(store, async ({ database, schema }) => {
      const db = await storeMigratedTo('015_waiting_indexes', database, schema)
      await db.insertInto('accounts').values({ id: '7a1d1b0e-0000-4000-8000-000000000001', email: 'a@example.com', createdAt: at, updatedAt: at }).execute()
      await db.insertInto('workspaces').values({ id: 'wkspace_1', name: 'w', ownerId: '7a1d1b0e-0000-4000-8000-000000000001', createdAt: at, updatedAt: at }).execute()
      await db.insertInto('bots').values({ id: 'bot_1', workspaceId: 'wkspace_1', name: 'b', data: '{}', createdAt: at, updatedAt: at }).execute()
      const users = Array.from({ length: USERS }, (_, i) => ({
        id: `user_${String(i).padStart(26, '0')}`,
        botId: 'bot_1',
        name: null,
        pictureUrl: null,
        // One user with no tags, one whose tags are not JSON text an index could read, the rest with two.
        tags: i === 0 ? '{}' : i === 1 ? 'not json' : JSON.stringify({ chatUserId: `u${i}`, team: i % 2 ? 'odd' : 'even' }),
        lookupKey: null,
        createdAt: at,
        updatedAt: at,
      }))
      for (let i = 0; i < USERS; i += 200) await db.insertInto('users').values(users.slice(i, i + 200)).execute()
      await db
        .insertInto('conversations')
        .values({ id: 'conv_1', botId: 'bot_1', channel: 'web', integration: '', tags: JSON.stringify({ chatId: 'c1' }), currentTaskId: null, currentWorkflowId: null, lookupKey: null, createdAt: at, updatedAt: at })
        .execute()
      await db.destroy()

      const migrated = await openStore({ database, postgresSchema: schema })
      try {
        const tagsOf = async (userId: string) =>
          (await migrated.db.selectFrom('userTags').select(['name', 'value']).where('userId', '=', userId).orderBy('name').execute()).map((r) => `${r.name}=${r.value}`)
        assert.equal(Number((await migrated.db.selectFrom('userTags').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), (USERS - 2) * 2)
        assert.deepEqual(await tagsOf(users[7]!.id), ['chatUserId=u7', 'team=odd'])
        assert.deepEqual(await tagsOf(users[0]!.id), [])
        assert.deepEqual(await tagsOf(users[1]!.id), [])
        const odd = await migrated.db.selectFrom('userTags').select('userId').where('botId', '=', 'bot_1').where('name', '=', 'team').where('value', '=', 'odd').execute()
        assert.equal(odd.length, (USERS - 2) / 2)
        assert.deepEqual(await migrated.db.selectFrom('conversationTags').selectAll().execute(), [{ conversationId: 'conv_1', botId: 'bot_1', name: 'chatId', value: 'c1' }])
        await migrated.db.deleteFrom('users').where('id', '=', users[7]!.id).execute()
        assert.deepEqual(await tagsOf(users[7]!.id), [])
      } finally {
        await migrated.close()
      }
    })
  })
})
