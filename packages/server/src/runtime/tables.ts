import { sql } from 'kysely'

/** `status = 'pending'` as SQL text: the partial indexes of pending deliveries (migration 015) serve only a literal. */
export const PENDING = sql.lit('pending')

/**
 * Tables of the runtime. `deliveries` is the outbox: a row is written in the same transaction as the message,
 * event or install that causes it, and the dispatcher sends it to the bot or integration it names.
 */
export interface RuntimeTables {
  deliveries: {
    id: string
    botId: string
    /** `bot` (the bot's own url) or `integration` (an installed integration's url). */
    target: 'bot' | 'integration'
    /** The integration's id when `target` is `integration`; '' for the bot. */
    integrationId: string
    /** The installation's alias when `target` is `integration`; '' for the bot. */
    alias: string
    /** `x-bp-operation`: `event_received` (to a bot) or `message_created` (to an integration). */
    operation: string
    /** `x-bp-type` for a bot (the event type); the message type for an integration. */
    type: string
    /** The event this delivery carries, whose status it settles (null for a message to an integration). */
    eventId: string | null
    /** The conversation the delivery is about, if any. */
    conversationId: string | null
    /**
     * Deliveries of one key reach their target in creation order: the target and the conversation
     * (`bot:<conversationId>`, `integration:<alias>:<conversationId>`), else the delivery's own id.
     */
    orderKey: string
    /** JSON: the request body. */
    body: string
    /** `pending` (to send, at `dueAt`), `delivered`, `failed` (for good) or `canceled`. */
    status: string
    dueAt: string
    attempts: number
    /** A process working on the delivery holds it until `leaseUntil`; another may take it over after. */
    leaseUntil: string | null
    lastError: string | null
    createdAt: string
    updatedAt: string
  }
  /** Each attempt of a delivery: what was sent, what came back and how long it took (kept for a while). */
  deliveryAttempts: {
    id: string
    deliveryId: string
    botId: string
    startedAt: string
    durationMs: number
    /** JSON `{ url, headers }` of the request (its body is the delivery's). */
    request: string
    /** The HTTP status of the answer, null when none came (refused, timed out). */
    status: number | null
    /** The answer's body, truncated. */
    response: string | null
    error: string | null
  }
  /** Where each installation's webhook lands: `/webhooks/<webhookId>`. */
  webhooks: {
    webhookId: string
    botId: string
    alias: string
    integrationId: string
  }
  /** The next time each recurring event of a bot fires; a process claims it by moving it forward. */
  recurringRuns: {
    botId: string
    name: string
    cron: string
    nextRunAt: string
  }
  /**
   * Integrations whose deployed code keeps crashing in some process of the database, and why: every install of
   * one shows it in its `status` and `statusReason` until a process of its code answers a call again.
   */
  crashingIntegrations: {
    integrationId: string
    /** The install's `statusReason` while it crashes: how often it exited and its last error lines. */
    reason: string
    since: string
  }
}
