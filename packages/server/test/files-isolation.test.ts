import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, createSiblingBot, expectApiError } from './files-helpers.js'

describeEachStore('files: a file belongs to its bot', ({ server }) => {
  it('another bot of the workspace, or another workspace, cannot list, read, change, copy or search it', async () => {
    const owner = clientFor(server())
    const { file } = await owner.uploadFile({ key: 'private/plan.md', content: '# Plan\n\nThe narwhal launch happens in spring.', index: true, tags: { secret: 'yes' } })
    const { knowledgeBase } = await owner.createKnowledgeBase({ name: 'Private KB', tags: { secret: 'yes' } })

    const sibling = await createSiblingBot(server())
    const stranger = await createOtherAccount(server())
    const outsiders = [
      { who: 'a sibling bot key', client: clientFor(server(), { token: sibling.token, botId: sibling.botId }) },
      { who: 'another workspace', client: clientFor(server(), { token: stranger.token, botId: stranger.botId, workspaceId: stranger.workspaceId }) },
    ]
    for (const { who, client } of outsiders) {
      await client.uploadFile({ key: 'private/plan.md', content: 'their own file with the same key' })
      const listed = await client.listFiles({})
      assert.deepEqual(listed.files.map((f) => f.key), ['private/plan.md'], who)
      assert.notEqual(listed.files[0]!.id, file.id, who)
      assert.equal((await client.listFiles({ ids: [file.id] })).files.length, 0, who)
      assert.deepEqual((await client.listFileTags({})).tags, [], who)
      assert.deepEqual((await client.listFileTagValues({ tag: 'secret' })).values, [], who)
      assert.deepEqual((await client.searchFiles({ query: 'narwhal launch' })).passages, [], who)
      assert.deepEqual((await client.listKnowledgeBases({})).knowledgeBases, [], who)
      await expectApiError(client.getFile({ id: file.id }), { code: 404, type: 'ResourceNotFound' })
      assert.notEqual((await client.getFile({ id: 'private/plan.md' })).file.id, file.id, `${who}: a key names its own bot's file`)
      await expectApiError(client.listFilePassages({ id: file.id }), { code: 404 })
      await expectApiError(client.setFilePassages({ id: file.id, passages: [{ content: 'overwritten' }] }), { code: 404 })
      await expectApiError(client.updateFileMetadata({ id: file.id, tags: { secret: 'no' } }), { code: 404 })
      await expectApiError(client.copyFile({ idOrKey: file.id, destinationKey: 'stolen.md' }), { code: 404 })
      await expectApiError(client.deleteFile({ id: file.id }), { code: 404 })
      await expectApiError(client.updateKnowledgeBase({ id: knowledgeBase.id, name: 'mine now' }), { code: 404 })
      await expectApiError(client.deleteKnowledgeBase({ id: knowledgeBase.id }), { code: 404 })
    }

    // Naming the owner's bot explicitly does not help either.
    await expectApiError(clientFor(server(), { token: sibling.token, botId: server().botId }).getFile({ id: file.id }), { code: [403, 404] })
    await expectApiError(clientFor(server(), { token: stranger.token, botId: server().botId, workspaceId: stranger.workspaceId }).listFiles({}), { code: [403, 404] })
    await expectApiError(clientFor(server(), { token: stranger.token, botId: server().botId, workspaceId: server().workspaceId }).searchFiles({ query: 'narwhal' }), { code: [403, 404] })

    // Everything is still there for its owner, unchanged.
    const { file: after } = await owner.getFile({ id: file.id })
    assert.deepEqual(after.tags, { secret: 'yes' })
    assert.equal((await owner.searchFiles({ query: 'narwhal launch' })).passages[0]?.file.id, file.id)
    assert.equal(await (await fetch(after.url)).text(), '# Plan\n\nThe narwhal launch happens in spring.')
    assert.deepEqual((await owner.listKnowledgeBases({})).knowledgeBases.map((k) => k.name), ['Private KB'])
  })
})
