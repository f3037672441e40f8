import { sql } from 'kysely'
import { prepared } from '../store/prepared.js'
import type { DialectName, Db } from '../store/store.js'
import type { BotRuntime } from './bot-runtime.js'
import type { Dispatcher } from './dispatcher.js'
import { PENDING, type RuntimeTables } from './tables.js'

type Delivery = RuntimeTables['deliveries']

const pendingOf = prepared<{ orderKey: string }, { id: string }>((db, p) =>
  db.selectFrom('deliveries').select('id').where('orderKey', '=', p.orderKey).where('status', '=', PENDING).limit(1),
)

/**
 * The deliveries one transaction writes for a bot, handed to this process's dispatcher when it commits.
 *
 * Claiming a delivery the ordinary way costs a read and a write, each waiting for its own commit, after the
 * commit of the transaction that wrote it. A delivery that may go at once (nothing before it in its queue, room
 * in the dispatcher's bounds) is instead written already leased to this process and sent the moment the
 * transaction commits: the claim rides in the same commit. The others are written unleased, for the dispatcher
 * to claim when it is woken.
 */
export class Handoff {
  private readonly leased: Delivery[] = []
  private reservation = false
  private unleased = false

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly dialect: DialectName,
    readonly bot: BotRuntime,
  ) {}

  /**
   * The lease to write a new delivery of `orderKey` with, or undefined to write it unleased. One delivery per
   * transaction is leased, so that a transaction holds at most one queue's lock.
   */
  async lease(db: Db, botId: string, orderKey: string): Promise<string | undefined> {
    if (this.reservation || botId !== this.bot.botId) return undefined
    const leaseUntil = this.dispatcher.reserve(botId)
    if (!leaseUntil) return undefined
    this.reservation = true
    // Concurrent PostgreSQL transactions writing to one queue take turns here, so that only the first of them
    // can find it empty. SQLite runs one transaction at a time.
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${orderKey}))`.execute(db)
    const ahead = (await pendingOf(db, { orderKey })).rows.length > 0
    if (!ahead) return leaseUntil
    this.dispatcher.release(botId)
    this.reservation = false
    return undefined
  }

  /** Records what the transaction wrote. */
  wrote(delivery: Delivery): void {
    if (delivery.leaseUntil) this.leased.push(delivery)
    else this.unleased = true
  }

  /** The transaction committed: the leased delivery goes out now, the dispatcher looks for the others. */
  committed(): void {
    for (const delivery of this.leased) this.dispatcher.adopt(delivery, this.bot)
    if (this.unleased) this.dispatcher.wake()
    this.reservation = false
  }

  /** The transaction failed: nothing it wrote exists. */
  abandoned(): void {
    if (this.reservation) this.dispatcher.release(this.bot.botId)
    this.reservation = false
  }
}
