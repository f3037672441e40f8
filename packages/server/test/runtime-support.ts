/**
 * Helpers of the runtime tests: handlers that are real HTTP servers on random ports (recording what reaches
 * them, and answering, slowly or badly, as told), and a dev bot with a dev chat integration installed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@bpkit/client'
import type { TestServer } from '@bpkit/server'
import { clientFor } from './support.js'
import { uniqueName } from './integrations-helpers.js'

export type Received = { method: string; path: string; headers: IncomingHttpHeaders; raw: string; body: any; at: number }
export type Reply = { status?: number; headers?: Record<string, string>; body?: unknown; delayMs?: number; hang?: boolean; destroy?: boolean }

export type Handler = {
  url: string
  port: number
  received: Received[]
  /** The requests whose `x-bp-operation` is `operation`. */
  operations(operation: string): Received[]
  /** Resolves with the first request (already received or to come) that `match` accepts. */
  waitFor(match: (r: Received) => boolean, timeoutMs?: number): Promise<Received>
  close(): Promise<void>
}

/** A real HTTP server standing in for a bot or an integration: it records every request and answers with `reply`. */
export async function startHandler(reply: (r: Received) => Reply | Promise<Reply> = () => ({}), options: { port?: number } = {}): Promise<Handler> {
  const received: Received[] = []
  const waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = []
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', async () => {
      let body: unknown
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        body = raw
      }
      const r: Received = { method: req.method!, path: req.url!, headers: req.headers, raw, body, at: Date.now() }
      received.push(r)
      for (const w of [...waiters]) if (w.match(r)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(r))
      const answer = await reply(r)
      if (answer.hang) return
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs))
      if (answer.destroy) return void req.socket.destroy()
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {})
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    operations: (operation) => received.filter((r) => r.headers['x-bp-operation'] === operation),
    waitFor(match, timeoutMs = 10_000) {
      const found = received.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching request within ${timeoutMs} ms; got ${received.length}: ${received.map((r) => r.headers['x-bp-operation']).join(', ')}`)), timeoutMs)
        waiters.push({ match, resolve: (r) => (clearTimeout(timer), resolve(r)) })
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on (a handler that is down). */
export async function closedPort(): Promise<string> {
  const handler = await startHandler()
  await handler.close()
  return handler.url
}

/** The definition of the test chat integration, as `createIntegration` takes it. */
export const chatDefinition = (name: string, url: string) => ({
  name,
  version: '0.1.0',
  dev: true,
  url,
  configuration: { schema: { type: 'object', properties: { greeting: { type: 'string' } } } },
  channels: {
    channel: {
      messages: { text: { schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } } },
      conversation: { tags: { chatId: {} } },
    },
  },
  actions: {
    sum: {
      input: { schema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } },
      output: { schema: { type: 'object', properties: { total: { type: 'number' } } } },
    },
  },
  events: { ping: { schema: { type: 'object', properties: { n: { type: 'number' } } } } },
  user: { tags: { chatUserId: {} } },
})

export type ChatSetup = {
  botId: string
  integrationId: string
  alias: string
  webhookId: string
  webhookUrl: string
  /** As the bot (its API key). */
  bot: Client
  /** As the integration (its key, on the bot). */
  integration: Client
  /** As the first account. */
  admin: Client
}

/** A dev bot at `botUrl` with a dev chat integration at `integrationUrl` installed as `chat`. */
export async function setupChat(server: TestServer, urls: { botUrl?: string; integrationUrl?: string }, botInput: Record<string, unknown> = {}): Promise<ChatSetup> {
  const admin = clientFor(server)
  const { integration } = await admin.createIntegration(chatDefinition(uniqueName('chat'), urls.integrationUrl ?? (await closedPort())) as never)
  const { bot } = await admin.createBot({ dev: true, ...(urls.botUrl && { url: urls.botUrl }), ...botInput } as never)
  const alias = 'chat'
  const { bot: installed } = await admin.updateBot({ id: bot.id, integrations: { [alias]: { integrationId: integration.id, enabled: true, configuration: { greeting: 'hi' } } } } as never)
  const entry = installed.integrations[alias]!
  const botKey = await admin.createBotApiKey({ botId: bot.id, note: 'runtime test' } as never)
  const integrationKey = await admin.createIntegrationApiKey({ integrationId: integration.id })
  return {
    botId: bot.id,
    integrationId: integration.id,
    alias,
    webhookId: entry.webhookId,
    webhookUrl: entry.webhookUrl,
    bot: new Client({ apiUrl: server.url, token: (botKey as { value: string }).value, botId: bot.id, retry: false }),
    integration: new Client({ apiUrl: server.url, token: integrationKey.value, botId: bot.id, integrationId: integration.id, retry: false }),
    admin: clientFor(server, { botId: bot.id }),
  }
}

/** An incoming message, as an integration writes it: user, conversation, then the message. */
export async function incoming(chat: ChatSetup, text: string, chatId = 'c1') {
  const { user } = await chat.integration.getOrCreateUser({ tags: { chatUserId: 'u1' } })
  const { conversation } = await chat.integration.getOrCreateConversation({ channel: 'channel', tags: { chatId } })
  const { message } = await chat.integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text }, tags: {} })
  return { user, conversation, message }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `read` until `done` accepts its value (or fails after `timeoutMs`). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > until) throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`)
    await sleep(25)
  }
}

export const decodeBase64Json = (value: string | string[] | undefined) => JSON.parse(Buffer.from(String(value), 'base64').toString('utf8'))
