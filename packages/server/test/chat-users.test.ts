import assert from 'node:assert/strict'
import { it } from 'node:test'
import { clientFor, describeEachStore } from './support.js'
import { collectPages, rejectsWith, secondBot, sleep, uniqueTag } from './chat-helpers.js'

describeEachStore('chat: users', ({ server }) => {
  it('creates, reads, updates and deletes a user', async () => {
    const client = clientFor(server())
    const { user } = await client.createUser({ tags: { email: 'a@example.com', empty: '' }, name: 'Ada', pictureUrl: 'https://example.com/a.png' })
    assert.match(user.id, /^user_/)
    assert.deepEqual(user.tags, { email: 'a@example.com' })
    assert.equal(user.name, 'Ada')
    assert.deepEqual((await client.getUser({ id: user.id })).user, user)

    await sleep(2)
    const { user: updated } = await client.updateUser({ id: user.id, tags: { email: '', plan: 'pro' }, name: null })
    assert.deepEqual(updated.tags, { plan: 'pro' }, 'an empty tag value unsets the key, others are merged')
    assert.equal(updated.name, undefined, 'a null name unsets it')
    assert.equal(updated.pictureUrl, user.pictureUrl)
    assert.equal(updated.createdAt, user.createdAt)
    assert.ok(updated.updatedAt > user.updatedAt)
    assert.deepEqual((await client.getUser({ id: user.id })).user, updated)

    await client.deleteUser({ id: user.id })
    await rejectsWith(client.getUser({ id: user.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.deleteUser({ id: user.id }), 'ResourceNotFound', 404)
    await rejectsWith(client.updateUser({ id: user.id, name: 'x' }), 'ResourceNotFound', 404)
  })

  it('lists users by tags, across pages, in either order', async () => {
    const client = clientFor(server())
    const run = uniqueTag()
    const created = []
    for (let i = 0; i < 25; i++) created.push((await client.createUser({ tags: { run, parity: i % 2 ? 'odd' : 'even' } })).user)
    await client.createUser({ tags: { run: 'another' } })

    const all = await collectPages(async (nextToken) => {
      const { users, meta } = await client.listUsers({ tags: { run }, nextToken })
      return { items: users, nextToken: meta.nextToken }
    })
    assert.deepEqual(all.pages, [20, 5])
    assert.deepEqual(all.items.map((u) => u.id), created.map((u) => u.id).reverse(), 'newest first by default, no repeats')

    const asc = await collectPages(async (nextToken) => {
      const { users, meta } = await client.listUsers({ tags: { run }, sortField: 'createdAt', sortDirection: 'asc', nextToken })
      return { items: users, nextToken: meta.nextToken }
    })
    assert.deepEqual(asc.items.map((u) => u.id), created.map((u) => u.id))

    const odd = await client.listUsers({ tags: { run, parity: 'odd' } })
    assert.equal(odd.users.length, 12)
    assert.ok(odd.users.every((u) => u.tags.parity === 'odd'))
  })

  it('refuses bad input with a 400 naming the field, and changes nothing', async () => {
    const client = clientFor(server())
    const run = uniqueTag()
    const bad = await rejectsWith(client.listUsers({ nextToken: 'not-a-token' }), 'InvalidPayload', 400)
    assert.match(bad.message, /nextToken/)
    const sort = await rejectsWith(client.listUsers({ sortField: 'name' as 'createdAt' }), 'InvalidPayload', 400)
    assert.match(sort.message, /sortField/)
    const long = await rejectsWith(client.createUser({ tags: { run }, name: 'x'.repeat(201) }), 'InvalidPayload', 400)
    assert.match(long.message, /name/)
    await rejectsWith(client.getOrCreateUser({ tags: { run }, discriminateByTags: ['nope'] }), 'InvalidPayload', 400)
    assert.deepEqual((await client.listUsers({ tags: { run } })).users, [], 'no user was made by the rejected requests')
  })

  it('sorts and filters by updatedAt with rangeField', async () => {
    const client = clientFor(server())
    const run = uniqueTag()
    const first = (await client.createUser({ tags: { run } })).user
    const second = (await client.createUser({ tags: { run } })).user
    await sleep(5)
    const since = new Date().toISOString()
    await sleep(5)
    await client.updateUser({ id: first.id, name: 'touched' })

    const byUpdate = await client.listUsers({ tags: { run }, sortField: 'updatedAt', sortDirection: 'desc' })
    assert.deepEqual(byUpdate.users.map((u) => u.id), [first.id, second.id])
    const updatedSince = await client.listUsers({ tags: { run }, rangeField: 'updatedAt', afterDate: since })
    assert.deepEqual(updatedSince.users.map((u) => u.id), [first.id])
    const createdSince = await client.listUsers({ tags: { run }, afterDate: since })
    assert.deepEqual(createdSince.users, [], 'rangeField defaults to createdAt')
    const createdBefore = await client.listUsers({ tags: { run }, beforeDate: since })
    assert.equal(createdBefore.users.length, 2)
    await rejectsWith(client.listUsers({ afterDate: 'yesterday' }), 'InvalidPayload', 400)
  })

  it('lists the users taking part in a conversation', async () => {
    const client = clientFor(server())
    const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
    const a = (await client.createUser({ tags: {} })).user
    await client.createUser({ tags: {} })
    await client.addParticipant({ id: conversation.id, userId: a.id })
    const { users } = await client.listUsers({ conversationId: conversation.id })
    assert.deepEqual(users.map((u) => u.id), [a.id])
  })

  it('getOrCreateUser finds by all tags, or only by discriminateByTags', async () => {
    const client = clientFor(server())
    const id = uniqueTag()
    const { user } = await client.getOrCreateUser({ tags: { id, channel: 'web' }, name: 'First' })
    assert.equal(user.name, 'First')
    assert.equal((await client.getOrCreateUser({ tags: { id, channel: 'web' }, name: 'Second' })).user.id, user.id)
    const other = (await client.getOrCreateUser({ tags: { id, channel: 'sms' } })).user
    assert.notEqual(other.id, user.id, 'without discriminateByTags every tag must match')
    const byId = (await client.getOrCreateUser({ tags: { id, channel: 'phone' }, discriminateByTags: ['id'] })).user
    assert.equal(byId.id, user.id, 'with discriminateByTags only the named tags must match')

    const plain = (await client.createUser({ tags: { made: id } })).user
    assert.equal((await client.getOrCreateUser({ tags: { made: id } })).user.id, plain.id, 'finds users made by createUser too')
    await rejectsWith(client.getOrCreateUser({ tags: { id }, discriminateByTags: ['missing'] }), 'InvalidPayload', 400)
  })

  it('50 concurrent getOrCreateUser calls with the same tags create exactly one user', async () => {
    const client = clientFor(server())
    const id = uniqueTag()
    const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrCreateUser({ tags: { concurrent: id } })))
    assert.equal(new Set(results.map((r) => r.user.id)).size, 1)
    const { users } = await client.listUsers({ tags: { concurrent: id } })
    assert.equal(users.length, 1)
  })

  it("never shows or changes another bot's users", async () => {
    const client = clientFor(server())
    const other = await secondBot(server())
    const run = uniqueTag()
    const { user } = await client.createUser({ tags: { run } })
    await rejectsWith(other.client.getUser({ id: user.id }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.updateUser({ id: user.id, name: 'x' }), 'ResourceNotFound', 404)
    await rejectsWith(other.client.deleteUser({ id: user.id }), 'ResourceNotFound', 404)
    assert.deepEqual((await other.client.listUsers({ tags: { run } })).users, [])
    const theirs = (await other.client.getOrCreateUser({ tags: { run } })).user
    assert.notEqual(theirs.id, user.id, "get-or-create never returns another bot's user")
    assert.equal((await client.getUser({ id: user.id })).user.name, undefined)
  })
})
