/**
 * A write the server answered 2xx survives `kill -9` of the server process: `bpkit serve` runs as a child
 * process, is killed with SIGKILL right after the answers, and a new process on the same store reads them back.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Client } from '@bpkit/client'
import { readCredentials } from '@bpkit/server'
import { stores, type StoreKind } from './support.js'
import { killHard, serve, withDatabase } from './serve-support.js'

async function checkSurvivesKill(store: StoreKind, dataDir: string, databaseArgs: string[]) {
  const first = await serve(['--data-dir', dataDir, ...databaseArgs])
  const credentials = readCredentials(dataDir)!
  const client = () => new Client({ apiUrl: credentials.apiUrl, token: credentials.token, botId: credentials.botId, retry: { retries: 0 } })
  let written: { userId: string; conversationId: string; messageId: string; eventId: string }
  try {
    const c = client()
    const { user } = await c.createUser({ tags: { durable: 'yes' }, name: 'Kept' })
    const { conversation } = await c.createConversation({ channel: 'web', tags: {} })
    await c.addParticipant({ id: conversation.id, userId: user.id })
    const { message } = await c.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'still here' }, tags: {} })
    await c.setState({ type: 'conversation', id: conversation.id, name: 'memory', payload: { n: 1 } })
    const { event } = await c.createEvent({ type: 'kept', payload: {}, conversationId: conversation.id })
    written = { userId: user.id, conversationId: conversation.id, messageId: message.id, eventId: event.id }
  } finally {
    await killHard(first.child)
  }

  const second = await serve(['--data-dir', dataDir, ...databaseArgs])
  try {
    const c = new Client({ apiUrl: second.url, token: credentials.token, botId: credentials.botId, retry: { retries: 0 } })
    assert.equal((await c.getUser({ id: written.userId })).user.name, 'Kept', `user lost on ${store.name}`)
    assert.equal((await c.getMessage({ id: written.messageId })).message.payload.text, 'still here')
    assert.deepEqual((await c.listParticipants({ id: written.conversationId })).participants.map((p) => p.id), [written.userId])
    assert.deepEqual((await c.getState({ type: 'conversation', id: written.conversationId, name: 'memory' })).state.payload, { n: 1 })
    assert.equal((await c.getEvent({ id: written.eventId })).event.type, 'kept')
  } finally {
    await killHard(second.child)
  }
}

for (const store of stores) {
  describe(`chat: durability across kill -9 (${store.name})`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-durability-'))
    after(() => rmSync(dataDir, { recursive: true, force: true }))

    it('every write answered 2xx is there after the process is killed', async () => {
      if (store.database) await withDatabase(store.database, (url) => checkSurvivesKill(store, dataDir, ['--database', url]))
      else await checkSurvivesKill(store, dataDir, [])
    })
  })
}
