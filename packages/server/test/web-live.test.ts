/**
 * The live stream (WEB-CONTRACT.md "Live updates"): server-sent events of a bot's messages, events, deliveries,
 * log lines and issues, and of a workspace's bots, read from the store (so they cross server processes), and
 * never anything of another bot or workspace.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { startServer, startTestServer } from '@bpkit/server'
import type { Client } from '@bpkit/client'
import { clientFor, describeEachStore, stores } from './support.js'
import { createOtherAccount } from './admin-support.js'
import { addMember } from './members-support.js'
import { assertBotpressError, openLive, signIn, sleep, web, type LiveStream } from './web-support.js'

async function conversationOf(client: Client) {
  const { user } = await client.createUser({ tags: {} })
  const { conversation } = await client.createConversation({ channel: 'channel', tags: {} })
  return { userId: user.id, conversationId: conversation.id }
}

const say = async (client: Client, text: string) => {
  const { userId, conversationId } = await conversationOf(client)
  return (await client.createMessage({ conversationId, userId, type: 'text', payload: { text }, tags: {} })).message
}

describeEachStore('web live stream', ({ server, store }) => {
  const streams: LiveStream[] = []
  const open = async (...args: Parameters<typeof openLive>) => {
    const stream = await openLive(...args)
    streams.push(stream)
    return stream
  }

  it('a session on a bot gets its new and updated messages, its events and log lines, as they happen', async () => {
    const session = await signIn(server())
    const client = clientFor(server())
    const old = await say(client, 'before the stream opened')
    const live = await open(server(), `botId=${server().botId}`, { session })
    assert.equal(live.status, 200)
    const message = await say(client, 'hello live')
    const seen = await live.waitFor((e) => e.event === 'message' && e.data.message.id === message.id)
    assert.equal(seen.data.message.payload.text, 'hello live')
    assert.equal(seen.data.message.conversationId, message.conversationId)

    await client.updateMessage({ id: message.id, tags: {}, payload: { text: 'edited' } } as never)
    await live.waitFor((e) => e.event === 'message' && e.data.message.id === message.id && e.data.message.payload.text === 'edited')

    const { event } = await client.createEvent({ type: 'custom', payload: { n: 1 } } as never)
    const got = await live.waitFor((e) => e.event === 'event' && e.data.event.id === event.id)
    assert.equal(got.data.event.type, 'custom')
    await live.waitFor((e) => e.event === 'log' && typeof e.data.line.message === 'string', 10_000)
    assert.ok(!live.events.some((e) => e.event === 'message' && e.data.message.id === old.id), 'what was there before the stream opened is not sent')
    const once = live.events.filter((e) => e.event === 'message' && e.data.message.id === message.id && e.data.message.payload.text === 'hello live')
    assert.equal(once.length, 1, 'a change is sent once')
    live.close()
  })

  it("a stream never carries another bot's data, even of the same workspace", async () => {
    const session = await signIn(server())
    const { bot: second } = await clientFor(server(), { botId: undefined }).createBot({ name: 'second' })
    const other = clientFor(server(), { botId: second.id })
    const mine = clientFor(server())
    const live = await open(server(), `botId=${server().botId}`, { session })
    const theirs = await say(other, 'secret of the second bot')
    const { event: theirEvent } = await other.createEvent({ type: 'custom', payload: { secret: true } } as never)
    const ours = await say(mine, 'ours')
    await live.waitFor((e) => e.event === 'message' && e.data.message.id === ours.id)
    await sleep(600)
    const all = JSON.stringify(live.events)
    assert.ok(!all.includes(theirs.id) && !all.includes(theirs.conversationId) && !all.includes(theirEvent.id) && !all.includes(second.id), all.slice(0, 2000))
    live.close()
  })

  it("a session may not open another account's bot or workspace (404), a viewer may watch its workspace's bot", async () => {
    const other = await createOtherAccount(server())
    const session = await signIn(server())
    assertBotpressError(await web(server(), session, `/live?botId=${other.botId}`), 404, 'ResourceNotFound')
    assertBotpressError(await web(server(), session, `/live?workspaceId=${other.workspaceId}`), 404, 'ResourceNotFound')
    const theirs = await signIn(server(), other.token)
    assertBotpressError(await web(server(), theirs, `/live?botId=${server().botId}`), 404, 'ResourceNotFound')
    // A stream of the stranger's own bot carries nothing of ours.
    const live = await open(server(), `botId=${other.botId}`, { session: theirs })
    assert.equal(live.status, 200)
    const ours = await say(clientFor(server()), 'not for strangers')
    await sleep(800)
    assert.ok(!JSON.stringify(live.events).includes(ours.id))
    live.close()

    const viewer = await addMember(server(), server().workspaceId, 'viewer')
    const viewing = await open(server(), `botId=${server().botId}`, { token: viewer.token })
    assert.equal(viewing.status, 200)
    const message = await say(clientFor(server()), 'for the viewer')
    await viewing.waitFor((e) => e.event === 'message' && e.data.message.id === message.id)
    viewing.close()
  })

  it('a bot API key watches its own bot only; bad queries are 400, no credentials 401', async () => {
    const key = (await clientFor(server()).createBotApiKey({ botId: server().botId, note: 'live' } as never)) as { value: string }
    const live = await open(server(), `botId=${server().botId}`, { token: key.value })
    assert.equal(live.status, 200)
    live.close()
    const { bot: second } = await clientFor(server(), { botId: undefined }).createBot({ name: 'not the key' })
    assertBotpressError(await web(server(), undefined, `/live?botId=${second.id}`, { headers: { authorization: `Bearer ${key.value}` } }), 403, 'Forbidden')
    const session = await signIn(server())
    assertBotpressError(await web(server(), session, '/live'), 400, 'InvalidPayload', /botId/)
    assertBotpressError(await web(server(), session, `/live?botId=${server().botId}&workspaceId=${server().workspaceId}`), 400, 'InvalidPayload')
    assertBotpressError(await web(server(), undefined, `/live?botId=${server().botId}`), 401, 'Unauthorized')
  })

  it('a workspace stream says when a bot is created, updated or deleted', async () => {
    const session = await signIn(server())
    const live = await open(server(), `workspaceId=${server().workspaceId}`, { session })
    assert.equal(live.status, 200)
    const admin = clientFor(server(), { botId: undefined })
    const { bot } = await admin.createBot({ name: 'watched' })
    await live.waitFor((e) => e.event === 'bot' && e.data.botId === bot.id)
    const count = () => live.events.filter((e) => e.event === 'bot' && e.data.botId === bot.id).length
    await sleep(50)
    await admin.updateBot({ id: bot.id, name: 'renamed' } as never)
    await live.waitFor(() => count() >= 2)
    await admin.deleteBot({ id: bot.id })
    await live.waitFor(() => count() >= 3)
    live.close()
  })

  it('several server processes on one database: a write on one reaches a stream on the other', async () => {
    const config = server().server.config
    const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-live-'))
    const second = await startServer({ logLevel: 'silent', port: 0, host: '127.0.0.1', dataDir, database: config.database, postgresSchema: config.postgresSchema, adminToken: server().token })
    try {
      const session = await signIn(server())
      const here = await open(server(), `botId=${server().botId}`, { session })
      const there = await open(second.url, `botId=${server().botId}`, { token: server().token })
      const viaSecond = clientFor({ ...server(), url: second.url } as never)
      const a = await say(viaSecond, `written through the second process (${store.name})`)
      await here.waitFor((e) => e.event === 'message' && e.data.message.id === a.id)
      const b = await say(clientFor(server()), 'written through the first')
      await there.waitFor((e) => e.event === 'message' && e.data.message.id === b.id)
      here.close()
      there.close()
    } finally {
      await second.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('after(): streams closed', async () => {
    for (const s of streams) s.close()
  })
})

for (const store of stores) {
  it(`closing the server ends its open streams (${store.name})`, async () => {
    const server = await startTestServer({ database: store.database })
    const live = await openLive(server, `botId=${server.botId}`, { token: server.token })
    assert.equal(live.status, 200)
    const closing = server.close()
    await Promise.race([live.ended, sleep(5_000).then(() => assert.fail('the stream did not end'))])
    await closing
  })
}
