/**
 * What a bot's history costs the runtime: a bot that has run for a long while (settled deliveries with their
 * attempts and events, finished workflows, all in one conversation, and many users) against a new bot, on one
 * server:
 *   - an incoming message: an integration's `createMessage`, which the runtime turns into an event and a
 *     delivery to the bot (looking for a delivery still ahead in the conversation, and for workflows listening
 *     there);
 *   - a new user's `getOrCreateUser`, as an integration makes it for the first message of a new chat: its lookup
 *     key finds nothing, so the bot's users are searched by tags;
 *   - the runtime's retention sweep (every 30 s), which looks for settled deliveries older than the retention
 *     and finds none here: its cost is the looking.
 * The history is written straight into the store, as that much use would have left it. The server runs in
 * this process (SQLite); the bot and integration handlers are node:http servers in it too, answering `{}`.
 *
 *   npm run bench -- history
 */
import http from 'node:http'
import { agent, send } from './http.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'

const QUICK = process.env.BENCH_QUICK === '1'
const DELIVERIES = QUICK ? 20_000 : 200_000
const WORKFLOWS = QUICK ? 2_000 : 20_000
const USERS = QUICK ? 10_000 : 100_000
const NEW_USERS_PER_ROUND = QUICK ? 20 : 100
const MESSAGES_PER_ROUND = QUICK ? 100 : 500
const ROUNDS = 4
const SWEEPS = 5
const BATCH = 500

/** A handler that answers every call with `{}`. */
function answering(): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })))
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main() {
  const { startServer } = await import('@bpkit/server')
  const { Client } = await import('@bpkit/client')
  const { newId } = await import('../packages/server/src/ids.js')
  const { pruneDeliveries } = await import('../packages/server/src/runtime/retention.js')
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-bench-history-'))
  const handlers = await Promise.all([answering(), answering()])
  const server = await startServer({ dataDir, port: 0, logLevel: 'silent' })
  try {
    const { token, workspaceId } = server.credentials
    const admin = new Client({ apiUrl: server.url, token, workspaceId })
    const { integration } = await admin.createIntegration({ name: 'history-chat', version: '0.1.0', dev: true, url: handlers[0].url, channels: { channel: { messages: { text: { schema: {} } } } } } as never)
    const integrationKey = (await admin.createIntegrationApiKey({ integrationId: integration.id })).value
    const bots: Record<'new' | 'history', { botId: string; conversationId: string; userId: string }> = {} as never
    for (const name of ['new', 'history'] as const) {
      const { bot } = await admin.createBot({ dev: true, url: handlers[1].url } as never)
      await admin.updateBot({ id: bot.id, integrations: { chat: { integrationId: integration.id, enabled: true, configuration: {} } } } as never)
      const asIntegration = new Client({ apiUrl: server.url, token: integrationKey, botId: bot.id, integrationId: integration.id })
      const { user } = await asIntegration.getOrCreateUser({ tags: { id: 'bench' } })
      const { conversation } = await asIntegration.getOrCreateConversation({ channel: 'channel', tags: { id: 'bench' } })
      bots[name] = { botId: bot.id, conversationId: conversation.id, userId: user.id }
    }

    // The history: each settled delivery carried a processed message_created event and was answered at the first attempt.
    const seeded = performance.now()
    const { botId, conversationId, userId } = bots.history
    const base = Date.now() - DELIVERIES * 1_000
    const at = (i: number) => new Date(base + i * 1_000).toISOString()
    await server.store.transaction(async (trx) => {
      for (let offset = 0; offset < DELIVERIES; offset += BATCH) {
        const indexes = Array.from({ length: Math.min(BATCH, DELIVERIES - offset) }, (_, k) => offset + k)
        const ids = indexes.map(() => ({ event: newId('event'), delivery: newId('delivery') }))
        await trx
          .insertInto('events')
          .values(indexes.map((i, k) => ({ id: ids[k]!.event, botId, type: 'message_created', payload: '{}', conversationId, userId, messageId: null, workflowId: null, status: 'processed', failureReason: null, scheduledFor: null, createdAt: at(i) })))
          .execute()
        await trx
          .insertInto('deliveries')
          .values(
            indexes.map((i, k) => ({
              id: ids[k]!.delivery, botId, target: 'bot', integrationId: '', alias: '', operation: 'event_received', type: 'message_created', eventId: ids[k]!.event, conversationId,
              orderKey: `bot:${conversationId}`, body: '{}', status: 'delivered', dueAt: at(i), attempts: 1, leaseUntil: null, lastError: null, createdAt: at(i), updatedAt: at(i),
            })),
          )
          .execute()
        await trx
          .insertInto('deliveryAttempts')
          .values(indexes.map((i, k) => ({ id: newId('deliveryAttempt'), deliveryId: ids[k]!.delivery, botId, startedAt: at(i), durationMs: 2, request: '{}', status: 200, response: '{}', error: null })))
          .execute()
      }
      // Users as get-or-create leaves them: with a lookup key, and their tags in the tag index.
      for (let offset = 0; offset < USERS; offset += BATCH) {
        const users = Array.from({ length: Math.min(BATCH, USERS - offset) }, (_, k) => ({ id: newId('user'), chatUserId: `past-${offset + k}`, at: at(offset + k) }))
        await trx
          .insertInto('users')
          .values(users.map((u) => ({ id: u.id, botId, name: null, pictureUrl: null, tags: JSON.stringify({ chatUserId: u.chatUserId }), lookupKey: `bench-${u.id}`, createdAt: u.at, updatedAt: u.at })))
          .execute()
        await trx.insertInto('userTags').values(users.map((u) => ({ userId: u.id, botId, name: 'chatUserId', value: u.chatUserId }))).execute()
      }
      for (let offset = 0; offset < WORKFLOWS; offset += BATCH) {
        const count = Math.min(BATCH, WORKFLOWS - offset)
        await trx
          .insertInto('workflows')
          .values(
            Array.from({ length: count }, (_, k) => ({
              id: newId('workflow'), botId, name: 'done', status: 'completed', input: '{}', output: '{}', parentWorkflowId: null, conversationId, userId, tags: '{}', failureReason: null,
              timeoutAt: at(offset + k), completedAt: at(offset + k), lookupKey: null, createdAt: at(offset + k), updatedAt: at(offset + k),
            })),
          )
          .execute()
      }
    })
    const seedSeconds = (performance.now() - seeded) / 1000

    /** One call as the integration on a bot: its time in ms, or a throw when it is not a 2xx. */
    const callAsIntegration = async (name: 'new' | 'history', path: string, body: unknown) => {
      const headers = { authorization: `Bearer ${integrationKey}`, 'x-bot-id': bots[name].botId, 'x-integration-id': integration.id }
      const answer = await send('POST', `${server.url}${path}`, headers, body)
      if (answer.status < 200 || answer.status > 299) throw new Error(`${path} answered ${answer.status}: ${answer.body}`)
      return answer.ms
    }
    const times: Record<'new' | 'history', number[]> = { new: [], history: [] }
    const newUserTimes: Record<'new' | 'history', number[]> = { new: [], history: [] }
    let users = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 ? (['history', 'new'] as const) : (['new', 'history'] as const)) {
        const { conversationId, userId } = bots[name]
        for (let n = 0; n < MESSAGES_PER_ROUND; n++) {
          const ms = await callAsIntegration(name, '/v1/chat/messages', { conversationId, userId, type: 'text', payload: { text: `m${n}` }, tags: {} })
          if (round > 0) times[name].push(ms)
        }
        for (let n = 0; n < NEW_USERS_PER_ROUND; n++) {
          const ms = await callAsIntegration(name, '/v1/chat/users/get-or-create', { tags: { chatUserId: `new-${name}-${users++}` } })
          if (round > 0) newUserTimes[name].push(ms)
        }
      }
    }
    const sweeps: number[] = []
    const services = { store: server.store, config: server.config, clock: { now: () => new Date() } }
    for (let i = 0; i < SWEEPS; i++) {
      const started = performance.now()
      await pruneDeliveries(services as never)
      sweeps.push(performance.now() - started)
    }

    const cpu = cpus()
    console.log('## Runtime: what a bot\'s history costs\n')
    console.log(`${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, node ${process.version}. \`npm run bench -- history\` (bench/history.bench.ts).`)
    console.log(
      `One server on SQLite, in the benchmark's process with its handlers. The bot with a history has ${DELIVERIES.toLocaleString('en')} settled deliveries (with as many attempts and processed events) and ` +
        `${WORKFLOWS.toLocaleString('en')} completed workflows in its conversation, and ${USERS.toLocaleString('en')} users, written into the store in ${seedSeconds.toFixed(1)} s. ` +
        `${ROUNDS - 1} measured rounds of ${MESSAGES_PER_ROUND} sequential incoming messages and ${NEW_USERS_PER_ROUND} new users per bot, alternating, after one warm-up round.\n`,
    )
    console.log('| | new bot | bot with a history | ratio |')
    console.log('|---|---:|---:|---:|')
    const [fresh, old] = [median(times.new), median(times.history)]
    console.log(`| incoming message (integration's createMessage), p50 | ${fresh.toFixed(2)} ms | ${old.toFixed(2)} ms | ${(old / fresh).toFixed(2)}× |`)
    const [freshUser, oldUser] = [median(newUserTimes.new), median(newUserTimes.history)]
    console.log(`| a new user (integration's getOrCreateUser), p50 | ${freshUser.toFixed(2)} ms | ${oldUser.toFixed(2)} ms | ${(oldUser / freshUser).toFixed(2)}× |`)
    console.log(`\nThe runtime's retention sweep over both bots, nothing to delete: median ${median(sweeps).toFixed(2)} ms of ${SWEEPS} (slowest ${Math.max(...sweeps).toFixed(2)} ms).`)
  } finally {
    await server.close()
    for (const { server: handler } of handlers) handler.close().closeAllConnections()
    agent.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
