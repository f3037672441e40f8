import { sql, type Selectable } from 'kysely'
import type { RequestContext } from '../context.js'
import type { Db } from '../store/store.js'
import type { ChatTables } from '../chat/tables.js'
import { toConversation, toEvent, toMessage, toUser, toWorkflow } from '../chat/models.js'
import { newId } from '../ids.js'
import { prepared, rowOf } from '../store/prepared.js'
import { installationNamed, type BotRuntime } from './bot-runtime.js'
import { enqueue } from './outbox.js'
import { integrationView } from './tag-views.js'
import type { Handoff } from './handoff.js'

type MessageRow = Selectable<ChatTables['messages']>
type EventRow = Selectable<ChatTables['events']>

const rowById = {
  users: prepared<{ id: string }, Selectable<ChatTables['users']>>((db, p) => db.selectFrom('users').selectAll().where('id', '=', p.id)),
  conversations: prepared<{ id: string }, Selectable<ChatTables['conversations']>>((db, p) => db.selectFrom('conversations').selectAll().where('id', '=', p.id)),
}

/** A user or conversation the message being written refers to (the write has checked it exists). */
async function byId<T extends 'users' | 'conversations'>(db: Db, table: T, id: string): Promise<Selectable<ChatTables[T]>> {
  const [row] = (await rowById[table](db, { id })).rows
  if (!row) throw new Error(`bpkit: ${table} ${id} vanished while a message to it was written`)
  return row as Selectable<ChatTables[T]>
}

const eventColumns = [
  'id', 'botId', 'type', 'payload', 'conversationId', 'userId', 'messageId', 'workflowId', 'status', 'failureReason', 'scheduledFor', 'createdAt',
] as const
const insertEventRow = prepared<EventRow, EventRow>((db, p) => db.insertInto('events').values(rowOf(p, eventColumns)).returningAll())

/**
 * Whether a new message of this direction can set anything off for the bot: an incoming one when the bot runs
 * somewhere, an outgoing one when it installs integrations. Messages that cannot are written without a transaction.
 */
export const messageMayDeliver = (bot: BotRuntime | undefined, direction: string) => !!bot && (direction === 'incoming' ? bot.runnable : bot.installations.length > 0)

/**
 * What a new message sets off, written in the message's transaction: an incoming message (written by an
 * integration) becomes a `message_created` event delivered to the bot; an outgoing one (written by the bot) is
 * delivered to the integration that owns its conversation's channel. What it enqueues goes through `handoff`.
 */
export async function onMessageCreated(db: Db, ctx: RequestContext, bot: BotRuntime, message: MessageRow, handoff: Handoff): Promise<void> {
  const botId = bot.botId
  if (message.direction === 'incoming') {
    if (!bot.runnable) return
    const [conversation, user] = await Promise.all([byId(db, 'conversations', message.conversationId), byId(db, 'users', message.userId)])
    const payload = { message: toMessage(message), user: toUser(user), conversation: toConversation(conversation) }
    const event = await insertEvent(db, ctx.now(), {
      botId,
      type: 'message_created',
      payload,
      conversationId: message.conversationId,
      userId: message.userId,
      messageId: message.id,
    })
    await enqueueForBot(db, ctx.now(), bot, event, handoff)
    await continueListeningWorkflows(db, ctx, bot, conversation, user, handoff)
    return
  }
  if (!bot.installations.length) return
  const conversation = await byId(db, 'conversations', message.conversationId)
  const installation = installationNamed(bot, conversation.integration)
  if (!installation) return
  const user = await byId(db, 'users', message.userId)
  const view = integrationView(installation.alias)
  const outgoing = toMessage(message)
  await enqueue(db, ctx.now(), {
    botId,
    target: 'integration',
    integrationId: installation.integrationId,
    alias: installation.alias,
    operation: 'message_created',
    type: message.type,
    conversationId: message.conversationId,
    body: {
      conversation: view(toConversation(conversation)),
      user: view(toUser(user)),
      message: view(outgoing),
      type: outgoing.type,
      payload: outgoing.payload,
    },
  }, handoff)
}

type NewEvent = { botId: string; type: string; payload: unknown; conversationId?: string | null; userId?: string | null; messageId?: string | null; workflowId?: string | null }

/** Writes an event the runtime raises itself (a message, an expired state, a workflow update, a recurring event). */
export async function insertEvent(db: Db, now: string, event: NewEvent, status = 'pending'): Promise<EventRow> {
  const { rows } = await insertEventRow(db, {
    id: newId('event'),
    botId: event.botId,
    type: event.type,
    payload: JSON.stringify(event.payload),
    conversationId: event.conversationId ?? null,
    userId: event.userId ?? null,
    messageId: event.messageId ?? null,
    workflowId: event.workflowId ?? null,
    status,
    failureReason: null,
    scheduledFor: null,
    createdAt: now,
  })
  return rows[0]!
}

/** Whether the bot's `subscriptions.events` lets `type` through (null: every event). Built-in types always pass. */
export function isSubscribed(bot: BotRuntime, type: string): boolean {
  if (bot.subscribedEvents === null || !type.includes(':')) return true
  return Object.prototype.hasOwnProperty.call(bot.subscribedEvents, type)
}

/** Enqueues `event_received` of a stored event to the bot, due at the event's schedule (or now). */
export async function enqueueForBot(db: Db, now: string, bot: BotRuntime, event: EventRow, handoff?: Handoff): Promise<void> {
  await enqueue(db, now, {
    botId: bot.botId,
    target: 'bot',
    operation: 'event_received',
    type: event.type,
    eventId: event.id,
    conversationId: event.conversationId,
    // A scheduled event fires at its own time: it neither waits for nor holds up its conversation's deliveries.
    ordered: !event.scheduledFor,
    dueAt: event.scheduledFor ?? now,
    body: { event: { ...toEvent(event, now), status: 'pending' } },
  }, handoff)
}

/**
 * What a new event of the API (`createEvent`) sets off: delivered to the bot when it runs somewhere and is
 * subscribed to its type; an unsubscribed event is `ignored`. Returns whether a delivery was enqueued.
 */
export async function onEventCreated(db: Db, ctx: RequestContext, bot: BotRuntime | undefined, event: EventRow): Promise<boolean> {
  if (!bot?.runnable) return false
  if (!isSubscribed(bot, event.type)) {
    await db.updateTable('events').set({ status: 'ignored' }).where('id', '=', event.id).execute()
    event.status = 'ignored'
    return false
  }
  await enqueueForBot(db, ctx.now(), bot, event)
  return true
}

type WorkflowRow = Selectable<ChatTables['workflows']>
type UserRow = Selectable<ChatTables['users']>
type ConversationRow = Selectable<ChatTables['conversations']>

async function enqueueWorkflowUpdate(
  db: Db,
  ctx: RequestContext,
  bot: BotRuntime,
  type: 'workflow_started' | 'workflow_continued',
  workflow: WorkflowRow,
  conversation?: ConversationRow,
  user?: UserRow,
  handoff?: Handoff,
) {
  const event = await insertEvent(db, ctx.now(), {
    botId: bot.botId,
    type: 'workflow_update',
    payload: {
      type,
      workflow: toWorkflow(workflow),
      ...(conversation && { conversation: toConversation(conversation) }),
      ...(user && { user: toUser(user) }),
    },
    conversationId: workflow.conversationId,
    userId: workflow.userId,
    workflowId: workflow.id,
  })
  await enqueueForBot(db, ctx.now(), bot, event, handoff)
}

/** A workflow created `pending` needs its bot to start it: a `workflow_update` (`workflow_started`) event, with its conversation and user. */
export async function onWorkflowCreated(db: Db, ctx: RequestContext, botId: string, workflow: WorkflowRow): Promise<boolean> {
  if (workflow.status !== 'pending') return false
  const bot = await ctx.services.runtime.bot(db, botId)
  if (!bot?.runnable) return false
  const [conversation, user] = await Promise.all([
    workflow.conversationId ? byId(db, 'conversations', workflow.conversationId) : undefined,
    workflow.userId ? byId(db, 'users', workflow.userId) : undefined,
  ])
  await enqueueWorkflowUpdate(db, ctx, bot, 'workflow_started', workflow, conversation, user)
  return true
}

// Most conversations have no listening workflow: finding that out is a read of a partial index (migration 015),
// where an update that changes nothing would still cost a write statement on every incoming message.
const listeningIn = prepared<{ botId: string; conversationId: string }, { id: string }>((db, p) =>
  db.selectFrom('workflows').select('id').where('botId', '=', p.botId).where('conversationId', '=', p.conversationId).where('status', '=', sql.lit('listening')),
)

/**
 * A message in a conversation whose workflows are `listening` continues them: each becomes `pending` again and
 * the bot gets `workflow_update` (`workflow_continued`) after the message itself.
 */
async function continueListeningWorkflows(db: Db, ctx: RequestContext, bot: BotRuntime, conversation: ConversationRow, user: UserRow, handoff: Handoff): Promise<void> {
  const { rows: found } = await listeningIn(db, { botId: bot.botId, conversationId: conversation.id })
  if (!found.length) return
  const listening = await db
    .updateTable('workflows')
    .set({ status: 'pending', updatedAt: ctx.now() })
    .where('id', 'in', found.map((w) => w.id))
    .where('status', '=', 'listening')
    .returningAll()
    .execute()
  for (const workflow of listening) await enqueueWorkflowUpdate(db, ctx, bot, 'workflow_continued', workflow, conversation, user, handoff)
}
