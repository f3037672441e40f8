import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type TestServer } from '@bpkit/server'
import { clientFor, stores } from './support.js'
import { expectApiError } from './admin-support.js'

const quotas = { invocation_calls: 3, storage_count: 1000, table_row_count: 2, bot_count: 2, file_max_size_bytes: 900 }

for (const store of stores) {
  describe(`quotas: configured limits answer QuotaExceeded before the handler runs (${store.name})`, () => {
    let server: TestServer
    before(async () => {
      server = await startTestServer({ database: store.database, quotas })
    })
    after(async () => {
      await server?.close()
    })

    it('createMessage and createEvent stop at the invocation_calls quota, and the refused call stores nothing', async () => {
      const client = clientFor(server)
      const { user } = await client.createUser({ tags: {} })
      const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
      const send = (text: string) => client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text }, tags: {} })
      await send('1')
      await send('2')
      await client.createEvent({ type: 'custom', payload: {} })
      await expectApiError(send('4'), { code: 403, type: 'QuotaExceeded', message: /invocation_calls quota .* is 3/ })
      await expectApiError(client.createEvent({ type: 'custom', payload: {} }), { code: 403, type: 'QuotaExceeded' })
      assert.equal((await client.listMessages({ conversationId: conversation.id })).messages.length, 2)
      const { usage } = await client.getUsage({ id: server.botId, type: 'invocation_calls' })
      assert.deepEqual([usage.value, usage.quota], [3, 3])
      const completion = await client.getAllWorkspaceQuotaCompletion({})
      assert.equal(completion.invocation_calls!.completion, 1)
    })

    it('upsertFile stops at the storage and file size quotas; replacing a file counts only the difference', async () => {
      const client = clientFor(server)
      await client.upsertFile({ key: 'a.bin', size: 600 })
      await expectApiError(client.upsertFile({ key: 'b.bin', size: 600 }), { code: 403, type: 'QuotaExceeded', message: /storage_count/ })
      await client.upsertFile({ key: 'a.bin', size: 800 })
      await expectApiError(client.upsertFile({ key: 'a.bin', size: 950 }), { code: 403, type: 'QuotaExceeded', message: /file_max_size_bytes/ })
      assert.equal((await client.getUsage({ id: server.botId, type: 'storage_count' })).usage.value, 800)
    })

    it('createTableRows stops at the table row quota', async () => {
      const client = clientFor(server)
      await client.createTable({ name: 'LimitedTable', schema: { n: { type: 'number' } } })
      await expectApiError(client.createTableRows({ table: 'LimitedTable', rows: [{ n: 1 }, { n: 2 }, { n: 3 }] }), { code: 403, type: 'QuotaExceeded', message: /table_row_count/ })
      await client.createTableRows({ table: 'LimitedTable', rows: [{ n: 1 }, { n: 2 }] })
      await expectApiError(client.createTableRows({ table: 'LimitedTable', rows: [{ n: 3 }] }), { code: 403, type: 'QuotaExceeded' })
      assert.equal((await client.getUsage({ id: server.botId, type: 'table_row_count' })).usage.value, 2)
    })

    it('createBot stops at the bot_count quota; the quotas read back as configured', async () => {
      const client = clientFor(server)
      await client.createBot({ name: 'second' })
      await expectApiError(client.createBot({ name: 'third' }), { code: 403, type: 'QuotaExceeded', message: /bot_count/ })
      assert.equal((await client.getUsage({ id: server.workspaceId, type: 'bot_count' })).usage.value, 2)
      assert.equal((await client.getWorkspaceQuota({ id: server.workspaceId, type: 'bot_count' })).quota.value, 2)
      const { quotas: listed } = await client.listWorkspaceQuotas({ id: server.workspaceId })
      assert.equal(listed.find((q) => q.type === 'table_row_count')!.value, 2)
    })
  })
}

describe('quotas: configuration', () => {
  it('an unknown usage type or a bad limit stops the server from starting', async () => {
    await assert.rejects(startTestServer({ quotas: { messages: 10 } }), /Unknown usage type "messages"/)
    await assert.rejects(startTestServer({ quotas: { bot_count: -1 } }), /bot_count/)
  })

  it('BPKIT_QUOTAS sets the quotas', async () => {
    const { resolveConfig } = await import('../src/config.js')
    assert.deepEqual(resolveConfig({}, { BPKIT_QUOTAS: '{"bot_count":5}' }).quotas, { bot_count: 5 })
    assert.throws(() => resolveConfig({}, { BPKIT_QUOTAS: '[1]' }), /BPKIT_QUOTAS must be a JSON object/)
  })
})
