import type { Services } from '../context.js'
import { newId } from '../ids.js'
import { recordIssue, raw } from '../bots/issues.js'
import { botLogLines, recordLogLine } from '../store/log-lines.js'
import { loadBotRuntime, installationOf, type BotRuntime } from './bot-runtime.js'
import { botHeaders, integrationHeaders } from './protocol.js'
import { callTarget, type Target, type Targets, type UrlTarget } from './targets.js'
import { answerMessage, readJson, type CallResult } from './transport.js'
import { PENDING, type RuntimeTables } from './tables.js'
import { prepared, rowOf } from '../store/prepared.js'

export type DispatchOptions = {
  /** Longest a bot or integration may take to answer one call. */
  timeoutMs: number
  /** Attempts of one delivery before it fails for good. */
  attempts: number
  /** The wait before the second attempt; it doubles with each attempt after. */
  backoffMs: number
  /** Deliveries in flight from this process, all bots together. */
  concurrency: number
  /** Deliveries in flight from this process to one bot (and its integrations). */
  perBotConcurrency: number
  /** How often the store is polled for due deliveries (scheduled ones, retries, another process's). */
  pollMs: number
}

type Delivery = RuntimeTables['deliveries']
type Attempt = RuntimeTables['deliveryAttempts']

// The statements of every settled delivery, built once (see store/prepared.ts).
const attemptColumns = ['id', 'deliveryId', 'botId', 'startedAt', 'durationMs', 'request', 'status', 'response', 'error'] as const
const insertAttempt = prepared<Attempt, never>((db, p) => db.insertInto('deliveryAttempts').values(rowOf(p, attemptColumns)))
const settleDelivery = prepared<{ id: string; status: string; lastError: string | null; updatedAt: string }, never>((db, p) =>
  db.updateTable('deliveries').set({ status: p.status, leaseUntil: null, lastError: p.lastError, updatedAt: p.updatedAt }).where('id', '=', p.id),
)
const settleEvent = prepared<{ id: string; status: string; failureReason: string | null }, never>((db, p) =>
  db.updateTable('events').set({ status: p.status, failureReason: p.failureReason }).where('id', '=', p.id),
)

const MAX_BACKOFF_MS = 5 * 60_000
const MAX_STORED_ANSWER = 16 * 1024

/** What an answer means for the delivery: done, the handler's own failure (final), or worth another try. */
type Outcome = { kind: 'delivered' } | { kind: 'failed'; reason: string } | { kind: 'retry'; reason: string }

function outcomeOf(result: CallResult): Outcome {
  if (result.kind === 'unreachable') return { kind: 'retry', reason: result.reason }
  if (result.status < 300) return { kind: 'delivered' }
  const message = answerMessage(result.body)
  // SDK 5 answers every handler error 400 (Runtime); SDK 0.x answers 500 with `{ error }`: both are the handler's own failure.
  if (result.status < 500 || isSdkHandlerError(result.body)) return { kind: 'failed', reason: message }
  return { kind: 'retry', reason: `answered ${result.status}: ${message}` }
}

function isSdkHandlerError(body: string): boolean {
  const parsed = readJson<Record<string, unknown>>(body, {})
  return 'error' in parsed && Object.keys(parsed).length === 1
}

/**
 * Sends the outbox's deliveries. Each process claims due deliveries with a lease (a conditional update, so two
 * processes on one database never send one at the same time), keeps each conversation's deliveries in order
 * (the next waits until the one before is delivered or failed for good), bounds how many are in flight (per bot
 * too, so that one slow bot never holds up another), retries with backoff, and records every attempt.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, Promise<void>>()
  /** In flight or reserved, per bot. */
  private readonly perBot = new Map<string, number>()
  /** Slots held for deliveries a transaction of this process is writing already leased to it (see `reserve`). */
  private reserved = 0
  private readonly stopping = new AbortController()
  private poller?: NodeJS.Timeout
  private woken = false
  private ticking = false
  private again = false
  /**
   * Whether the outbox may hold deliveries this process could send once a send of its own ends: set by every
   * wake from outside (a write, the poll), cleared by a claim that found nothing due while nothing was in flight
   * here. While it is clear a finished send claims nothing, which spares a query per delivery when every
   * delivery is handed off as it is written.
   */
  private mayHaveDue = true

  constructor(
    private readonly services: Services,
    readonly options: DispatchOptions,
    private readonly targets: Targets,
  ) {}

  start(): void {
    this.poller = setInterval(() => this.wake(), this.options.pollMs)
    this.poller.unref()
    this.wake()
  }

  /** Looks for due deliveries soon (after a write that enqueued some, or on the poll). */
  wake(): void {
    this.mayHaveDue = true
    this.soon()
  }

  private soon(): void {
    if (this.woken || this.stopping.signal.aborted) return
    this.woken = true
    setImmediate(() => {
      this.woken = false
      void this.tick()
    })
  }

  /** Stops claiming, aborts the calls in flight (their deliveries go back to the outbox) and waits for them. */
  async stop(): Promise<void> {
    clearInterval(this.poller)
    this.stopping.abort()
    await Promise.all(this.inFlight.values())
  }

  /**
   * Holds a slot for a delivery that a transaction of this process is about to write, leased to this process,
   * so that it can be sent the moment the transaction commits (`adopt`) with no claim of its own: the lease it
   * is to be written with, or undefined when the bounds leave no room (it is then written unleased, for
   * `claimDue`). Every reservation ends in `adopt` or `release`.
   */
  reserve(botId: string): string | undefined {
    if (this.stopping.signal.aborted) return undefined
    if (this.inFlight.size + this.reserved >= this.options.concurrency) return undefined
    if ((this.perBot.get(botId) ?? 0) >= this.options.perBotConcurrency) return undefined
    this.reserved++
    this.perBot.set(botId, (this.perBot.get(botId) ?? 0) + 1)
    return new Date(Date.now() + this.leaseMs).toISOString()
  }

  /** Gives back a reservation whose delivery was not written (its transaction failed, or it was written unleased). */
  release(botId: string): void {
    this.reserved--
    this.leave(botId)
  }

  /** Sends a reserved delivery, now committed with this process's lease; `bot` is the bot as its transaction saw it. */
  adopt(delivery: Delivery, bot: BotRuntime): void {
    this.reserved--
    this.track(delivery, bot, false)
  }

  /** Long enough to outlast a call and its recording; a process killed mid-call loses its deliveries for this long. */
  private get leaseMs() {
    return Math.round(this.options.timeoutMs * 1.5) + 1_000
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.again = true
      return
    }
    this.ticking = true
    try {
      do {
        this.again = false
        await this.claimDue()
      } while (this.again && !this.stopping.signal.aborted)
    } catch (err) {
      if (!this.stopping.signal.aborted) this.services.log?.warn({ err }, 'runtime: claiming deliveries failed')
    } finally {
      this.ticking = false
    }
  }

  private async claimDue(): Promise<void> {
    const free = this.options.concurrency - this.inFlight.size - this.reserved
    if (free <= 0) return
    const { db } = this.services.store
    const now = new Date()
    const nowIso = now.toISOString()
    const busy = [...this.perBot].filter(([, n]) => n >= this.options.perBotConcurrency).map(([botId]) => botId)
    const candidates = await db
      .selectFrom('deliveries as d')
      .select(['d.id', 'd.botId'])
      .where('d.status', '=', PENDING)
      .where('d.dueAt', '<=', nowIso)
      .where((eb) => eb.or([eb('d.leaseUntil', 'is', null), eb('d.leaseUntil', '<', nowIso)]))
      .$if(busy.length > 0, (q) => q.where('d.botId', 'not in', busy))
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('deliveries as e').select('e.id').whereRef('e.orderKey', '=', 'd.orderKey').where('e.status', '=', PENDING).whereRef('e.id', '<', 'd.id'))),
      )
      .orderBy('d.dueAt')
      .orderBy('d.id')
      .limit(free * 2)
      .execute()
    // A delivery held back behind one in flight here becomes due when that one ends: only then is there nothing to wait for.
    if (!candidates.length && this.inFlight.size === 0) this.mayHaveDue = false
    const chosen: string[] = []
    const room = new Map<string, number>()
    for (const { id, botId } of candidates) {
      if (this.inFlight.size + this.reserved + chosen.length >= this.options.concurrency) break
      const taken = room.get(botId) ?? this.perBot.get(botId) ?? 0
      if (taken >= this.options.perBotConcurrency || this.inFlight.has(id)) continue
      room.set(botId, taken + 1)
      chosen.push(id)
    }
    if (!chosen.length) return
    // One statement claims them all: one commit, however many there are.
    const claimed = await db
      .updateTable('deliveries')
      .set((eb) => ({ leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(), attempts: eb('attempts', '+', 1), updatedAt: nowIso }))
      .where('id', 'in', chosen)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', nowIso)]))
      .returningAll()
      .execute()
    for (const delivery of claimed) this.track(delivery)
  }

  private track(delivery: Delivery, bot?: BotRuntime, count = true): void {
    const { id, botId } = delivery
    if (count) this.perBot.set(botId, (this.perBot.get(botId) ?? 0) + 1)
    const sending = this.send(delivery, bot)
      .catch((err) => this.services.log?.warn({ err, delivery: id }, 'runtime: delivery failed to run'))
      .finally(() => {
        this.inFlight.delete(id)
        this.leave(botId)
        if (this.mayHaveDue) this.soon()
      })
    this.inFlight.set(id, sending)
  }

  private leave(botId: string): void {
    const left = (this.perBot.get(botId) ?? 1) - 1
    if (left > 0) this.perBot.set(botId, left)
    else this.perBot.delete(botId)
  }

  private async send(delivery: Delivery, known?: BotRuntime): Promise<void> {
    const { db } = this.services.store
    const bot = known ?? (await loadBotRuntime(db, delivery.botId))
    if (!bot) return
    const request = await this.requestFor(delivery, bot)
    if ('missing' in request) return this.settle(delivery, { kind: 'failed', reason: request.missing }, bot)
    if ('unavailable' in request) return this.settle(delivery, { kind: 'retry', reason: request.unavailable }, bot)
    const startedAt = new Date().toISOString()
    const result = await callTarget(request, { headers: request.headers, body: delivery.body, timeoutMs: this.options.timeoutMs, signal: this.stopping.signal })
    if (this.stopping.signal.aborted && result.kind === 'unreachable') {
      // Not an attempt: the server stopped under it. It goes back to the outbox for the next start.
      await db.updateTable('deliveries').set((eb) => ({ leaseUntil: null, attempts: eb('attempts', '-', 1) })).where('id', '=', delivery.id).execute()
      return
    }
    const attempt: Attempt = {
      id: newId('deliveryAttempt'),
      deliveryId: delivery.id,
      botId: delivery.botId,
      startedAt,
      durationMs: Math.round(result.ms),
      request: JSON.stringify({ url: request.url, headers: request.headers }),
      status: result.kind === 'answered' ? result.status : null,
      response: result.kind === 'answered' ? result.body.slice(0, MAX_STORED_ANSWER) : null,
      error: result.kind === 'unreachable' ? result.reason : null,
    }
    await this.settle(delivery, outcomeOf(result), bot, attempt)
  }

  private async requestFor(delivery: Delivery, bot: BotRuntime): Promise<(UrlTarget & { headers: Record<string, string> }) | Exclude<Target, UrlTarget>> {
    if (delivery.target === 'bot') {
      const target = await this.targets.bot(bot)
      if (!('url' in target)) return target
      return { ...target, headers: botHeaders({ botId: bot.botId, operation: delivery.operation, type: delivery.type, configuration: bot.configuration }) }
    }
    const installation = installationOf(bot, delivery.integrationId, delivery.alias)
    if (!installation?.enabled) return { missing: `integration "${delivery.alias}" is no longer installed and enabled on bot "${bot.botId}"` }
    const target = await this.targets.integration(delivery.integrationId)
    if (!('url' in target)) return target
    const headers = integrationHeaders({
      botId: bot.botId,
      integrationId: installation.integrationId,
      alias: installation.alias,
      webhookId: installation.webhookId,
      operation: delivery.operation,
      configuration: installation.configuration,
      configurationType: installation.configurationType,
    })
    return { ...target, headers }
  }

  /**
   * Records the attempt and its outcome in one transaction: delivered, failed for good (with the event's reason,
   * then an issue and a log line), or due again after a backoff.
   */
  private async settle(delivery: Delivery, outcome: Outcome, bot: BotRuntime | undefined, attempt?: Attempt): Promise<void> {
    const { store } = this.services
    const now = new Date().toISOString()
    // The claim counted this attempt already.
    const attempts = Number(delivery.attempts)
    const retry = outcome.kind === 'retry' && attempts < this.options.attempts
    const failed = !retry && outcome.kind !== 'delivered'
    const said = outcome.kind === 'delivered' ? null : outcome.reason
    const reason = failed ? (outcome.kind === 'retry' ? `${said} (gave up after ${attempts} attempts)` : said) : null
    await store.transaction(async (trx) => {
      if (attempt) await insertAttempt(trx, attempt)
      if (retry) {
        const wait = Math.min(MAX_BACKOFF_MS, this.options.backoffMs * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4)
        await trx
          .updateTable('deliveries')
          .set({ dueAt: new Date(Date.now() + wait).toISOString(), leaseUntil: null, lastError: said, updatedAt: now })
          .where('id', '=', delivery.id)
          .execute()
        return
      }
      await settleDelivery(trx, { id: delivery.id, status: failed ? 'failed' : 'delivered', lastError: reason, updatedAt: now })
      if (delivery.eventId) await settleEvent(trx, { id: delivery.eventId, status: failed ? 'failed' : 'processed', failureReason: reason })
    })
    if (failed && bot) await this.recordFailure(delivery, reason!, now)
  }

  private async recordFailure(delivery: Delivery, reason: string, now: string): Promise<void> {
    const to = delivery.target === 'bot' ? 'the bot' : `integration "${delivery.alias}"`
    const what = `${delivery.operation} ${delivery.type}`.trim()
    recordLogLine(this.services, botLogLines, {
      ownerId: delivery.botId,
      timestamp: now,
      level: 'error',
      message: `delivery ${delivery.id} of ${what} to ${to} failed: ${reason}`,
      userId: null,
      conversationId: delivery.conversationId,
      workflowId: null,
    })
    await recordIssue(this.services.store, delivery.botId, {
      code: `delivery:${delivery.target}:${delivery.type}`,
      title: `Delivering ${delivery.type} to ${to} failed`,
      description: `The runtime could not deliver "${delivery.type}" (${delivery.operation}) to ${to}. The events hold each delivery's id and reason.`,
      category: 'user_code',
      grouped: { target: raw(delivery.target), operation: raw(delivery.operation), type: raw(delivery.type) },
      data: { deliveryId: raw(delivery.id), eventId: raw(delivery.eventId ?? ''), reason: raw(reason) },
      now,
    })
  }
}
