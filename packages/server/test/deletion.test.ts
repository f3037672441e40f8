/**
 * Deleting a bot or a workspace removes everything under it: every row of every table that names it, the
 * bytes of its files, and the SQL tables that hold its table rows.
 */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { TestServer } from '@bpkit/server'
import { clientFor, describeEachStore } from './support.js'

/** Fills a new bot of `workspaceId` with one of everything a bot can own. Returns what to look for afterwards. */
async function populatedBot(server: TestServer, workspaceId: string) {
  const admin = clientFor(server, { workspaceId })
  const { bot } = await admin.createBot({ name: 'doomed' })
  await admin.createBotApiKey({ botId: bot.id, note: 'doomed key' })
  const client = clientFor(server, { workspaceId, botId: bot.id })
  const { user } = await client.createUser({ tags: {} })
  const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
  await client.addParticipant({ id: conversation.id, userId: user.id })
  await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'hi' }, tags: {} })
  await client.createEvent({ type: 'custom', payload: {}, conversationId: conversation.id })
  await client.setState({ type: 'conversation', id: conversation.id, name: 'cart', payload: { items: 1 } })
  await client.createWorkflow({ name: 'flow', status: 'pending', input: {}, tags: {} })
  await client.trackAnalytics({ name: 'visit', count: 1 })
  const { file } = await client.uploadFile({ key: 'notes.txt', content: 'bytes on disk', index: true })
  const { table } = await client.createTable({ name: 'DoomedTable', schema: { a: { type: 'string', searchable: true } } })
  await client.createTableRows({ table: table.id, rows: [{ a: 'x' }] })
  return { botId: bot.id, fileId: file.id, rowsTable: `t_${table.id.slice('table_'.length)}` }
}

type Leftover = { table: string; column: string; count: number }

/** Rows of any table of the store whose `column` (botId, workspaceId, …) is one of `values`. */
async function rowsNaming(server: TestServer, columns: string[], values: string[]): Promise<Leftover[]> {
  const { db, dialect } = server.server.store
  const schema = server.server.config.postgresSchema
  const tables = (await db.introspection.getTables()).filter((t) => dialect === 'sqlite' || t.schema === schema)
  const found: Leftover[] = []
  for (const table of tables) {
    for (const column of table.columns.filter((c) => columns.includes(c.name))) {
      const ref = sql.ref(schema ? `${schema}.${table.name}` : table.name)
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${ref} where ${sql.ref(column.name)} in (${sql.join(values)})`.execute(db)
      const count = Number(rows[0]?.n ?? 0)
      if (count) found.push({ table: table.name, column: column.name, count })
    }
  }
  return found
}

async function tableNames(server: TestServer): Promise<string[]> {
  const schema = server.server.config.postgresSchema
  return (await server.server.store.db.introspection.getTables()).filter((t) => !schema || t.schema === schema).map((t) => t.name)
}

const blobDir = (server: TestServer, botId: string) => join(server.server.config.dataDir, 'files', 'blobs', botId)

describeEachStore('deleting a bot or a workspace leaves nothing of it', ({ server }) => {
  it('deleteBot removes every row naming the bot, its file bytes and its rows tables', async () => {
    const { botId, rowsTable } = await populatedBot(server(), server().workspaceId)
    assert.ok(existsSync(blobDir(server(), botId)), 'the upload wrote bytes under the bot')
    assert.ok((await tableNames(server())).includes(rowsTable))
    const before = await rowsNaming(server(), ['botId'], [botId])
    assert.ok(before.length >= 8, `the bot owns rows in many tables: ${JSON.stringify(before)}`)

    await clientFor(server()).deleteBot({ id: botId })

    assert.deepEqual(await rowsNaming(server(), ['botId'], [botId]), [])
    assert.equal(existsSync(blobDir(server(), botId)), false, 'the file bytes are gone')
    assert.equal((await tableNames(server())).includes(rowsTable), false, 'the rows table is dropped')
  })

  it('deleteWorkspace removes the workspace, its members, bots and everything they own', async () => {
    const workspace = await clientFor(server()).createWorkspace({ name: 'Doomed workspace' })
    const { botId, rowsTable } = await populatedBot(server(), workspace.id)

    await clientFor(server()).deleteWorkspace({ id: workspace.id })

    assert.deepEqual(await rowsNaming(server(), ['workspaceId'], [workspace.id]), [])
    assert.deepEqual(await rowsNaming(server(), ['botId'], [botId]), [])
    assert.deepEqual(await rowsNaming(server(), ['id'], [workspace.id, botId]), [])
    assert.equal(existsSync(blobDir(server(), botId)), false)
    assert.equal((await tableNames(server())).includes(rowsTable), false)
    // The first workspace and bot are untouched.
    assert.equal((await clientFor(server()).getBot({ id: server().botId })).bot.id, server().botId)
  })
})
