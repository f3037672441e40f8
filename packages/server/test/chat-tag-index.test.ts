/**
 * A get-or-create whose lookup key finds nothing searches the bot's users or conversations by tags, through the
 * tag index (chat/tag-index.ts): what create, update and get-or-create store must be found there, what an update
 * takes away must not be, and the search must not read every record of the bot.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { recordStatements, scansOf } from './sqlite-plans.js'

describeEachStore('chat: get-or-create by tags through the tag index', ({ server, store }) => {
  /** Every tag row of the bot's records of `table` against their `tags` column: the index is in step when they match. */
  async function assertIndexInStep(table: 'users' | 'conversations') {
    const { db } = server().server.store
    const index = table === 'users' ? 'userTags' : 'conversationTags'
    const owner = table === 'users' ? 'userId' : 'conversationId'
    const records = await db.selectFrom(table).select(['id', 'tags']).where('botId', '=', server().botId).execute()
    const expected = records.flatMap((r) => Object.entries(JSON.parse(r.tags) as Record<string, string>).map(([name, value]) => `${r.id} ${name}=${value}`)).sort()
    const rows = (await db.selectFrom(index).selectAll().where('botId', '=', server().botId).execute()) as Record<string, string>[]
    assert.deepEqual(rows.map((r) => `${r[owner]} ${r.name}=${r.value}`).sort(), expected)
  }

  it('users: what createUser, updateUser and getOrCreateUser store is found by tags; what an update takes away is not', async () => {
    const client = clientFor(server())
    const run = `run-${Math.random()}`
    const { user: created } = await client.createUser({ tags: { run, chatUserId: 'x1', team: 'a' } })
    assert.equal((await client.getOrCreateUser({ tags: { run, chatUserId: 'x1' } })).user.id, created.id, 'a plain create is found by its tags')

    await client.updateUser({ id: created.id, tags: { chatUserId: 'x2', team: '' } })
    assert.equal((await client.getOrCreateUser({ tags: { run, chatUserId: 'x2' } })).user.id, created.id, 'found by its new tag')
    const { user: other } = await client.getOrCreateUser({ tags: { run, chatUserId: 'x1' } })
    assert.notEqual(other.id, created.id, 'not found by a tag it no longer has')
    assert.notEqual((await client.getOrCreateUser({ tags: { run, chatUserId: 'x2', team: 'a' } })).user.id, created.id, 'not found by a tag it unset')
    assert.equal((await client.getOrCreateUser({ tags: { chatUserId: 'x1', run }, discriminateByTags: ['chatUserId'] })).user.id, other.id, 'a get-or-create is found by another')
    await assertIndexInStep('users')

    await client.deleteUser({ id: other.id })
    await assertIndexInStep('users')
  })

  it('conversations: what createConversation, updateConversation and getOrCreateConversation store is found by tags; what an update takes away is not', async () => {
    const client = clientFor(server())
    const run = `run-${Math.random()}`
    const { conversation: created } = await client.createConversation({ channel: 'web', tags: { run, chatId: 'c1', topic: 'a' } })
    assert.equal((await client.getOrCreateConversation({ channel: 'web', tags: { run, chatId: 'c1' } })).conversation.id, created.id)

    await client.updateConversation({ id: created.id, tags: { chatId: 'c2', topic: '' } })
    assert.equal((await client.getOrCreateConversation({ channel: 'web', tags: { run, chatId: 'c2' } })).conversation.id, created.id)
    const { conversation: other } = await client.getOrCreateConversation({ channel: 'web', tags: { run, chatId: 'c1' } })
    assert.notEqual(other.id, created.id)
    assert.notEqual((await client.getOrCreateConversation({ channel: 'web', tags: { run, chatId: 'c2', topic: 'a' } })).conversation.id, created.id)
    assert.notEqual((await client.getOrCreateConversation({ channel: 'sms', tags: { run, chatId: 'c2' } })).conversation.id, created.id, 'another channel is another conversation')
    await assertIndexInStep('conversations')

    await client.deleteConversation({ id: other.id })
    await assertIndexInStep('conversations')
  })

  if (store.name !== 'sqlite') return

  it("a get-or-create of tags no record has reads the tag index, not every user or conversation of the bot", async () => {
    const client = clientFor(server())
    await recordStatements(async () => {
      await client.getOrCreateUser({ tags: { chatUserId: `new-${Math.random()}` } })
      await client.getOrCreateConversation({ channel: 'web', tags: { chatId: `new-${Math.random()}` } })
    })
    const { scans, indexes, plans } = scansOf(['users', 'conversations', 'userTags', 'conversationTags'])
    assert.deepEqual(scans, [])
    assert.ok(indexes.has('userTags_value') && indexes.has('conversationTags_value'), [...indexes].join(', '))
    // The records of the ids the tag index found are fetched by id, not by walking the bot's records in time order.
    const searches = plans.filter((p) => /"(userTags|conversationTags)"/.test(p.source))
    assert.ok(searches.length >= 2)
    for (const { source, plan } of searches) assert.ok(!plan.some((line) => /_bot_(created|updated)/.test(line)), `${source}\n${plan.join('\n')}`)
  })
})
