import type { PublicApi } from '@bpkit/spec'
import type { Selectable } from 'kysely'
import { parseJson } from '../store/json.js'
import type { ChatTables } from './tables.js'

type Row<T extends keyof ChatTables> = Selectable<ChatTables[T]>

/** Row → API model. Nullable columns become absent optional fields. */
const opt = <T>(value: T | null): T | undefined => value ?? undefined

export const toUser = (r: Row<'users'>): PublicApi.User => ({
  id: r.id,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  tags: parseJson(r.tags, {}),
  name: opt(r.name),
  pictureUrl: opt(r.pictureUrl),
})

export const toConversation = (r: Row<'conversations'>): PublicApi.Conversation => ({
  id: r.id,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  channel: r.channel,
  integration: r.integration,
  tags: parseJson(r.tags, {}),
  currentTaskId: opt(r.currentTaskId),
  currentWorkflowId: opt(r.currentWorkflowId),
})

export const toMessage = (r: Row<'messages'>): PublicApi.Message => ({
  id: r.id,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  type: r.type,
  payload: parseJson(r.payload, {}),
  direction: r.direction as PublicApi.Message['direction'],
  userId: r.userId,
  conversationId: r.conversationId,
  tags: parseJson(r.tags, {}),
  origin: opt(r.origin) as PublicApi.Message['origin'],
})

/** A scheduled event whose time has come reads as pending even before the sweep has promoted it. */
export const toEvent = (r: Row<'events'>, now: string): PublicApi.Event => ({
  id: r.id,
  createdAt: r.createdAt,
  type: r.type,
  payload: parseJson(r.payload, {}),
  conversationId: opt(r.conversationId),
  userId: opt(r.userId),
  messageId: opt(r.messageId),
  status: (r.status === 'scheduled' && r.scheduledFor! <= now ? 'pending' : r.status) as PublicApi.Event['status'],
  failureReason: r.failureReason,
})

export const toState = (r: Row<'states'>): PublicApi.State => ({
  id: r.id,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  botId: r.botId,
  name: r.name,
  type: r.type as PublicApi.State['type'],
  payload: parseJson(r.payload, {}),
  conversationId: r.type === 'conversation' ? r.ownerId : undefined,
  userId: r.type === 'user' ? r.ownerId : undefined,
})

export const toWorkflow = (r: Row<'workflows'>): PublicApi.Workflow => ({
  id: r.id,
  name: r.name,
  status: r.status as PublicApi.Workflow['status'],
  input: parseJson(r.input, {}),
  output: parseJson(r.output, {}),
  parentWorkflowId: opt(r.parentWorkflowId),
  conversationId: opt(r.conversationId),
  userId: opt(r.userId),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  completedAt: opt(r.completedAt),
  failureReason: opt(r.failureReason),
  timeoutAt: r.timeoutAt,
  tags: parseJson(r.tags, {}),
})

export const toTask = (r: Row<'tasks'>): PublicApi.Task => ({
  id: r.id,
  title: r.title,
  description: r.description,
  type: r.type,
  data: parseJson(r.data, {}),
  status: r.status as PublicApi.Task['status'],
  parentTaskId: opt(r.parentTaskId),
  conversationId: opt(r.conversationId),
  userId: opt(r.userId),
  timeoutAt: r.timeoutAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  failureReason: opt(r.failureReason),
  tags: parseJson(r.tags, {}),
})
