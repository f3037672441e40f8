import type { Services } from '../context.js'
import type { Db } from '../store/store.js'
import { loadBotRuntime, type BotRuntime, type Installation } from './bot-runtime.js'
import { Dispatcher, type DispatchOptions } from './dispatcher.js'
import { botHeaders, integrationHeaders } from './protocol.js'
import { Targets, callTarget, type Target } from './targets.js'
import { CodeRunner, type RunnerOptions } from './deployed/code-runner.js'
import { Tunnels } from './tunnel/tunnels.js'
import type { CallResult } from './transport.js'
import { Handoff } from './handoff.js'

/** The answer of a synchronous call, or why there was none to be had. */
export type InvokeResult = CallResult | { kind: 'missing'; reason: string }

/** A target with no url: nothing runs it (`missing`), or it cannot be reached now (a crashing process). */
const notCallable = (target: Exclude<Target, { url: string }>): InvokeResult =>
  'missing' in target ? { kind: 'missing', reason: target.missing } : { kind: 'unreachable', reason: target.unavailable, timedOut: false, ms: 0 }

/**
 * The runtime as the sections see it: the dispatcher of the outbox, and the calls that answer within the API
 * request that makes them (an action, a webhook, a registration).
 */
export class Runtime {
  readonly dispatcher: Dispatcher
  readonly targets: Targets
  /** The `bp dev` tunnels connected to this process. */
  readonly tunnels = new Tunnels()

  constructor(
    private readonly services: Services,
    readonly options: DispatchOptions,
    runner: RunnerOptions,
  ) {
    this.targets = new Targets(() => services.store.db, new CodeRunner(services, runner))
    this.dispatcher = new Dispatcher(services, options, this.targets)
  }

  start(): void {
    this.dispatcher.start()
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop()
    await this.targets.runner.stopAll()
  }

  /** Tells the dispatcher that deliveries were committed. */
  wake(): void {
    this.dispatcher.wake()
  }

  /**
   * Runs `write`, a transaction that enqueues deliveries for `bot` through the handoff it is given, and sends
   * them once it has committed: at once for the one it could lease to this process as it wrote it.
   */
  async writeThenDeliver<T>(bot: BotRuntime, write: (handoff: Handoff) => Promise<T>): Promise<T> {
    const handoff = new Handoff(this.dispatcher, this.services.store.dialect, bot)
    let result: T
    try {
      result = await write(handoff)
    } catch (error) {
      handoff.abandoned()
      throw error
    }
    handoff.committed()
    return result
  }

  /**
   * Sends a settled (failed, or delivered) delivery again, from its first attempt; its event is pending again.
   * False when there is no such settled delivery.
   */
  async redeliver(deliveryId: string): Promise<boolean> {
    const now = new Date().toISOString()
    const done = await this.services.store.transaction(async (trx) => {
      const delivery = await trx.selectFrom('deliveries').select(['eventId', 'status']).where('id', '=', deliveryId).executeTakeFirst()
      if (!delivery || !['failed', 'delivered'].includes(delivery.status)) return false
      await trx
        .updateTable('deliveries')
        .set({ status: 'pending', dueAt: now, attempts: 0, leaseUntil: null, lastError: null, updatedAt: now })
        .where('id', '=', deliveryId)
        .execute()
      if (delivery.eventId) await trx.updateTable('events').set({ status: 'pending', failureReason: null }).where('id', '=', delivery.eventId).execute()
      return true
    })
    if (done) this.wake()
    return done
  }

  bot(db: Db, botId: string): Promise<BotRuntime | undefined> {
    return loadBotRuntime(db, botId)
  }

  /** Calls the bot's own handler and waits for its answer. */
  async invokeBot(bot: BotRuntime, operation: string, type: string, body: unknown): Promise<InvokeResult> {
    const target = await this.targets.bot(bot)
    if (!('url' in target)) return notCallable(target)
    const headers = botHeaders({ botId: bot.botId, operation, type, configuration: bot.configuration })
    return callTarget(target, { headers, body: JSON.stringify(body ?? {}), timeoutMs: this.options.timeoutMs })
  }

  /** Calls an installed integration's handler and waits for its answer. */
  async invokeIntegration(botId: string, installation: Installation, operation: string, body: unknown): Promise<InvokeResult> {
    const target = await this.targets.integration(installation.integrationId)
    if (!('url' in target)) return notCallable(target)
    const headers = integrationHeaders({
      botId,
      integrationId: installation.integrationId,
      alias: installation.alias,
      webhookId: installation.webhookId,
      operation,
      configuration: installation.configuration,
      configurationType: installation.configurationType,
    })
    return callTarget(target, { headers, body: JSON.stringify(body ?? {}), timeoutMs: this.options.timeoutMs })
  }
}
