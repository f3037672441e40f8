import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../context.js'
import { toEvent, toMessage } from '../chat/models.js'
import { invalidPayload } from '../errors.js'
import { perServer } from '../store/write-behind.js'
import { botFor, contextFor, optionalString, principalOf } from './access.js'
import { withAttempts } from './deliveries.js'

/**
 * `GET /live`: server-sent events of what changes in a bot (`?botId=`) or a workspace (`?workspaceId=`).
 *
 * Changes are read from the store, never from an in-process bus, so that a page sees what any process of the
 * server wrote. Each process keeps one poller per watched bot or workspace, shared by all the streams that watch
 * it, and polls only while someone watches. A poll asks each table for the rows of that bot changed since the
 * previous poll's start minus a margin (a write whose transaction commits late still carries an earlier time),
 * and a short memory of what it already sent keeps the margin from sending a row twice. The principal's access
 * is checked when the stream opens and again with every ping; a stream never carries another bot's or
 * workspace's rows: every query names its one bot or workspace.
 */

const PING_MS = 15_000
/** How far back each poll looks again: longer than a write transaction or a log batch takes to commit. */
const MARGIN_MS = 10_000
/** Rows per table per poll. */
const POLL_LIMIT = 500

type Send = (event: string, data: unknown) => void
type Poll = (since: string, now: string, emit: (key: string, version: string, at: string, event: string, data: () => Promise<unknown> | unknown) => Promise<void>) => Promise<void>

class Topic {
  readonly subscribers = new Set<Send>()
  private seen = new Map<string, { version: string; at: string }>()
  private lastPoll: string

  constructor(
    private readonly services: Services,
    private readonly poll: Poll,
    now: string,
  ) {
    this.lastPoll = now
  }

  /** Reads what is already there without sending it: a stream carries what changes after it opened. */
  prime(): Promise<void> {
    return this.run(false)
  }

  tick(): Promise<void> {
    return this.run(true)
  }

  private async run(send: boolean): Promise<void> {
    const now = this.services.clock.now()
    const since = new Date(Date.parse(this.lastPoll) - MARGIN_MS).toISOString()
    await this.poll(since, now.toISOString(), async (key, version, at, event, data) => {
      const known = this.seen.get(key)?.version === version
      this.seen.set(key, { version, at })
      if (known) return
      if (!send) return
      const value = await data()
      for (const subscriber of this.subscribers) subscriber(event, value)
    })
    this.lastPoll = now.toISOString()
    const forget = new Date(Date.parse(this.lastPoll) - 2 * MARGIN_MS).toISOString()
    for (const [key, entry] of this.seen) if (entry.at < forget) this.seen.delete(key)
  }
}

type Stream = { end(): void }

/** The live topics of one server process and the timer polling them. */
class LiveHub {
  private topics = new Map<string, Topic>()
  private streams = new Set<Stream>()
  private timer: NodeJS.Timeout | undefined
  private polling = false

  constructor(private readonly services: Services) {}

  async subscribe(key: string, poll: Poll, send: Send): Promise<() => void> {
    let topic = this.topics.get(key)
    if (!topic) {
      topic = new Topic(this.services, poll, this.services.clock.now().toISOString())
      this.topics.set(key, topic)
      await topic.prime()
    }
    topic.subscribers.add(send)
    this.timer ??= setInterval(() => void this.tick(), this.services.config.livePollMs)
    return () => {
      topic.subscribers.delete(send)
      if (!topic.subscribers.size && this.topics.get(key) === topic) this.topics.delete(key)
      if (!this.topics.size && this.timer) {
        clearInterval(this.timer)
        this.timer = undefined
      }
    }
  }

  private again = false

  private async tick(): Promise<void> {
    if (this.polling) {
      this.again = true
      return
    }
    this.polling = true
    try {
      do {
        this.again = false
        for (const topic of [...this.topics.values()]) {
          await topic.tick().catch((err: unknown) => this.services.log?.warn({ err }, 'live: poll failed'))
        }
      } while (this.again && this.topics.size)
    } finally {
      this.polling = false
    }
  }

  /**
   * Polls at once: this process just answered a write. What other processes write is seen at the next regular
   * poll; what this one writes reaches its streams without waiting for it.
   */
  nudge(): void {
    if (this.topics.size) setImmediate(() => void this.tick())
  }

  track(stream: Stream): () => void {
    this.streams.add(stream)
    return () => this.streams.delete(stream)
  }

  /** Ends every open stream (the server is closing). */
  close(): void {
    for (const stream of [...this.streams]) stream.end()
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.topics.clear()
  }
}

export const liveHubOf = perServer((services: Services) => new LiveHub(services))

/** What changes in one bot: messages, events, deliveries (and their events' statuses), log lines, issues. */
function botPoll(services: Services, botId: string): Poll {
  const db = services.store.db
  return async (since, now, emit) => {
    const messages = await db.selectFrom('messages').selectAll().where('botId', '=', botId).where('updatedAt', '>=', since).orderBy('updatedAt').limit(POLL_LIMIT).execute()
    for (const row of messages) await emit(`m:${row.id}`, row.updatedAt, row.updatedAt, 'message', () => ({ message: toMessage(row) }))

    const events = await db.selectFrom('events').selectAll().where('botId', '=', botId).where('createdAt', '>=', since).orderBy('createdAt').limit(POLL_LIMIT).execute()
    const eventAt = (id: string) => events.find((e) => e.id === id)?.createdAt
    for (const row of events) await emit(`e:${row.id}`, `${row.status}`, row.createdAt, 'event', () => ({ event: toEvent(row, now) }))

    const deliveries = await db.selectFrom('deliveries').selectAll().where('botId', '=', botId).where('updatedAt', '>=', since).orderBy('updatedAt').limit(POLL_LIMIT).execute()
    const changedEvents = new Set<string>()
    for (const row of deliveries) {
      await emit(`d:${row.id}`, `${row.updatedAt}|${row.status}|${row.attempts}`, row.updatedAt, 'delivery', async () => ({ delivery: (await withAttempts(db, [row]))[0] }))
      if (row.eventId && !eventAt(row.eventId)) changedEvents.add(row.eventId)
    }
    // An event's status changes when its delivery settles: read those events again.
    if (changedEvents.size) {
      const rows = await db.selectFrom('events').selectAll().where('botId', '=', botId).where('id', 'in', [...changedEvents]).execute()
      for (const row of rows) await emit(`e:${row.id}`, `${row.status}`, now, 'event', () => ({ event: toEvent(row, now) }))
    }

    const batches = await db.selectFrom('botLogBatches').select(['id', 'lastTimestamp', 'lines']).where('botId', '=', botId).where('lastTimestamp', '>=', since).orderBy('lastTimestamp').limit(POLL_LIMIT).execute()
    for (const batch of batches) {
      const lines = JSON.parse(batch.lines) as [string, string, string][]
      for (const [i, [timestamp, level, message]] of lines.entries()) {
        await emit(`l:${batch.id}:${i}`, '1', batch.lastTimestamp, 'log', () => ({ line: { timestamp, level, message } }))
      }
    }

    const issues = await db.selectFrom('botIssues').select(['id', 'lastSeenAt', 'eventsCount']).where('botId', '=', botId).where('lastSeenAt', '>=', since).limit(POLL_LIMIT).execute()
    for (const row of issues) await emit(`i:${row.id}`, `${row.lastSeenAt}|${row.eventsCount}`, row.lastSeenAt, 'issue', () => ({ issueId: row.id }))
  }
}

/** What changes in one workspace's list of bots: a bot created, updated or deleted. */
function workspacePoll(services: Services, workspaceId: string): Poll {
  let known: Map<string, string> | undefined
  return async (_since, now, emit) => {
    const rows = await services.store.db.selectFrom('bots').select(['id', 'updatedAt']).where('workspaceId', '=', workspaceId).execute()
    const current = new Map(rows.map((r) => [r.id, r.updatedAt]))
    for (const [id, updatedAt] of current) await emit(`b:${id}`, updatedAt, now, 'bot', () => ({ botId: id }))
    if (known) for (const id of known.keys()) if (!current.has(id)) await emit(`b:${id}`, 'deleted', now, 'bot', () => ({ botId: id }))
    known = current
  }
}

/** Opens the event stream on the raw response; the request's socket stays open until the client or the server ends it. */
function openStream(request: FastifyRequest, reply: FastifyReply) {
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  })
  res.write('retry: 2000\n: connected\n\n')
  const send: Send = (event, data) => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  return { res, send }
}

export function registerLiveRoutes(app: FastifyInstance, services: Services): void {
  const hub = liveHubOf(services)
  app.addHook('preClose', (done) => {
    hub.close()
    done()
  })

  app.get('/live', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const query = (request.query ?? {}) as Record<string, unknown>
    const botId = optionalString(query, 'botId', 'query')
    const workspaceId = optionalString(query, 'workspaceId', 'query')
    if (!botId === !workspaceId) throw invalidPayload('Invalid query: give exactly one of "botId" (a bot\'s changes) and "workspaceId" (its bots)')
    const principal = await principalOf(services, request)
    const authorize = botId
      ? () => botFor(services, principal, request, botId, 'listMessages').then(() => undefined)
      : () => contextFor(services, principal, request, 'listBots', {}).workspace(workspaceId).then(() => undefined)
    await authorize()

    const { res, send } = openStream(request, reply)
    let unsubscribe: (() => void) | undefined
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      clearInterval(ping)
      unsubscribe?.()
      untrack()
      if (!res.writableEnded) res.end()
    }
    const untrack = hub.track({ end })
    const ping = setInterval(() => {
      // Access can be taken away while a page is open: the stream ends at the next ping after that.
      authorize().then(
        () => res.write(': ping\n\n'),
        () => end(),
      )
    }, PING_MS)
    request.raw.on('close', end)
    res.on('close', end)
    try {
      const key = botId ? `bot:${botId}` : `workspace:${workspaceId}`
      const poll = botId ? botPoll(services, botId) : workspacePoll(services, workspaceId!)
      const off = await hub.subscribe(key, poll, send)
      if (ended) off()
      else unsubscribe = off
    } catch (err) {
      request.log.warn({ err }, 'live: subscribe failed')
      end()
    }
  })
}
