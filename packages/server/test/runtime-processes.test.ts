/**
 * The outbox across processes: a delivery promised by a 2xx is sent even when the server is killed (kill -9)
 * before sending it, by the next process on the store; and several `bpkit serve` processes on one PostgreSQL
 * database share the work, each delivery and each recurring event sent once, deployed code running wherever its
 * deliveries are handled (from the store, not from a file another process wrote).
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { after, describe, it } from 'node:test'
import { Client } from '@bpkit/client'
import { readCredentials } from '@bpkit/server'
import { stores } from './support.js'
import { killHard, serve, withDatabase } from './serve-support.js'
import { eventually, sleep, startHandler } from './runtime-support.js'
import { bundle, chatChannels } from './deployed-support.js'

const runtimeEnv = { BPKIT_RUNTIME_TIMEOUT_MS: '1000', BPKIT_DELIVERY_BACKOFF_MS: '100', BPKIT_DELIVERY_ATTEMPTS: '50', BPKIT_DELIVERY_POLL_MS: '50' }

/** A client of the first account of the server whose data is in `dataDir`, at `url`. */
function adminOf(dataDir: string, url: string) {
  const credentials = readCredentials(dataDir)!
  return new Client({ apiUrl: url, token: credentials.token, workspaceId: credentials.workspaceId, retry: false })
}

/** Stops `bpkit serve` as an operator would (SIGTERM): it stops the processes of its deployed code too. */
function stopGently(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** A free port nothing listens on yet: the bot is down until a handler listens there. */
async function freePort(): Promise<number> {
  const probe = await startHandler()
  await probe.close()
  return probe.port
}

for (const store of stores) {
  describe(`runtime: deliveries survive kill -9 (${store.name})`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-runtime-kill-'))
    after(() => rmSync(dataDir, { recursive: true, force: true }))

    const run = async (databaseArgs: string[]) => {
      const port = await freePort()
      const first = await serve(['--data-dir', dataDir, ...databaseArgs], runtimeEnv)
      const eventIds: string[] = []
      let botId = ''
      try {
        const admin = adminOf(dataDir, first.url)
        const { bot } = await admin.createBot({ dev: true, url: `http://127.0.0.1:${port}` } as never)
        botId = bot.id
        const key = (await admin.createBotApiKey({ botId, note: 'kill' } as never)) as { value: string }
        const asBot = new Client({ apiUrl: first.url, token: key.value, botId, retry: false })
        for (let i = 0; i < 20; i++) eventIds.push((await asBot.createEvent({ type: 'promised', payload: { i } })).event.id)
      } finally {
        await killHard(first.child)
      }
      // The bot comes up only now: the killed process had none of the deliveries answered.
      const handler = await startHandler(() => ({}), { port })
      const receivedIds = () => handler.received.map((r) => r.body.event.id as string)
      const second = await serve(['--data-dir', dataDir, ...databaseArgs], runtimeEnv)
      try {
        await eventually(async () => new Set(receivedIds()).size, (n) => n === eventIds.length, 20_000)
        assert.deepEqual([...new Set(receivedIds())].sort(), [...eventIds].sort())
        const asAdmin = new Client({ apiUrl: second.url, token: readCredentials(dataDir)!.token, botId, retry: false })
        await eventually(() => asAdmin.listEvents({ type: 'promised', status: 'processed' }), (r) => r.events.length === eventIds.length, 10_000)
      } finally {
        await killHard(second.child)
        await handler.close()
      }
    }

    it('every delivery a 2xx promised is sent after the restart', async () => {
      if (store.database) await withDatabase(store.database, (url) => run(['--database', url]))
      else await run([])
    })
  })
}

const postgres = stores.find((s) => s.name === 'postgres')
if (postgres) {
  describe('runtime: two bpkit serve processes on one PostgreSQL database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-runtime-pair-'))
    after(() => rmSync(dataDir, { recursive: true, force: true }))

    it('share the deliveries: each event reaches the bot once; a recurring event fires once per tick', async () => {
      await withDatabase(postgres.database!, async (url) => {
        const handler = await startHandler()
        const a = await serve(['--data-dir', dataDir, '--database', url], runtimeEnv)
        const b = await serve(['--data-dir', dataDir, '--database', url], runtimeEnv)
        try {
          const admin = adminOf(dataDir, a.url)
          const { bot } = await admin.createBot({
            dev: true,
            url: handler.url,
            recurringEvents: { tick: { schedule: { cron: '* * * * * *' }, type: 'tick', payload: {} } },
          } as never)
          const key = (await admin.createBotApiKey({ botId: bot.id, note: 'pair' } as never)) as { value: string }
          const clients = [a.url, b.url].map((apiUrl) => new Client({ apiUrl, token: key.value, botId: bot.id, retry: false }))
          const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => clients[i % 2]!.createEvent({ type: 'shared', payload: { i } }).then((r) => r.event.id)))
          const sharedOf = () => handler.received.filter((r) => r.body?.event?.type === 'shared').map((r) => r.body.event.id as string)
          await eventually(async () => sharedOf().length, (n) => n >= ids.length, 20_000)
          await sleep(300)
          assert.equal(sharedOf().length, ids.length, 'no event delivered twice')
          assert.deepEqual([...sharedOf()].sort(), [...ids].sort())
          await sleep(2_500)
          const ticks = handler.received.filter((r) => r.body?.event?.type === 'tick').map((r) => r.body.event.createdAt.slice(0, 19))
          assert.ok(ticks.length >= 2, `ticks: ${ticks.length}`)
          assert.equal(new Set(ticks).size, ticks.length, `one tick per second, not one per process: ${ticks.join(', ')}`)
        } finally {
          await killHard(a.child)
          await killHard(b.child)
          await handler.close()
        }
      })
    })

    it('deployed code through one process runs in the other: it writes and starts the bundles itself, from the store', async () => {
      const dataDirB = mkdtempSync(join(tmpdir(), 'bpkit-runtime-pair-b-'))
      try {
        await withDatabase(postgres.database!, async (url) => {
          const a = await serve(['--data-dir', dataDir, '--database', url], runtimeEnv)
          const b = await serve(['--data-dir', dataDirB, '--database', url], runtimeEnv)
          try {
            const [botCode, integrationCode] = await Promise.all([bundle('bot.mjs'), bundle('integration.mjs')])
            const admin = adminOf(dataDir, a.url)
            const { integration } = await admin.createIntegration({ name: 'deployed-chat', version: '0.1.0', code: integrationCode, secrets: { GREETING: 'hola' }, channels: chatChannels } as never)
            const { bot } = await admin.createBot({ code: botCode } as never)
            const { bot: installed } = await admin.updateBot({ id: bot.id, integrations: { chat: { integrationId: integration.id, enabled: true, configuration: {} } } } as never)
            assert.equal(installed.integrations.chat!.status, 'registered', installed.integrations.chat!.statusReason ?? '')
            assert.ok(readdirSync(join(dataDir, 'bundles')).length > 0, "A ran the integration's register from a file of its own")
            assert.ok(!existsSync(join(dataDirB, 'bundles')))

            // A stops and its files go: B handles the webhook and every delivery after it.
            await stopGently(a.child)
            rmSync(join(dataDir, 'bundles'), { recursive: true, force: true })
            const response = await fetch(`${b.url}${new URL(installed.integrations.chat!.webhookUrl).pathname}`, { method: 'POST', body: JSON.stringify({ user: 'u1', chat: 'c1', text: 'hi from b' }) })
            assert.equal(response.status, 200, await response.clone().text())
            const { conversationId, secret } = (await response.json()) as { conversationId: string; secret: string }
            assert.equal(secret, 'hola', "B gave the integration's process its secrets from the store")
            const asBot = new Client({ apiUrl: b.url, token: readCredentials(dataDir)!.token, botId: bot.id, retry: false })
            await eventually(
              () => asBot.listMessages({ conversationId }),
              (r) => r.messages.some((m) => m.direction === 'outgoing' && m.payload.text === 'echo: hi from b' && m.tags['chat:acked'] === 'seen echo: hi from b'),
              30_000,
            )
            assert.equal(readdirSync(join(dataDirB, 'bundles')).length, 2, "B wrote the bot's and the integration's bundles from the store")
          } finally {
            await stopGently(a.child)
            await stopGently(b.child)
          }
        })
      } finally {
        rmSync(dataDirB, { recursive: true, force: true })
      }
    })
  })
}
