import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { invalidPayload } from '../errors.js'
import { newId } from '../ids.js'
import { hasTags, parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { addMs, isoDate } from './inputs.js'
import { getOrCreate } from './lookup.js'
import { toWorkflow } from './models.js'
import { onWorkflowCreated } from '../runtime/flows.js'
import { deleteOwned, findOwned, requireRefs } from './refs.js'
import { deleteStatesOf } from './states.js'
import { cleanTags, discriminatingTags, lookupKey, mergeTags } from './tags.js'

/** How long a workflow or task may run when its creator gives no `timeoutAt`: two days. */
export const DEFAULT_TIMEOUT_MS = 2 * 24 * 3600 * 1000

const statusGroups = {
  active: ['pending', 'in_progress', 'listening', 'paused'],
  finished: ['completed', 'failed', 'timedout', 'cancelled'],
} as const

const groupOf = (status: string) => ((statusGroups.finished as readonly string[]).includes(status) ? 'finished' : 'active')

type NewWorkflowInput = PublicApi.CreateWorkflowInput

/** An in_progress workflow is one an event started: that event must be named, and be the bot's. */
async function checkRefs(ctx: RequestContext, botId: string, input: Pick<NewWorkflowInput, 'status' | 'eventId' | 'conversationId' | 'userId' | 'parentWorkflowId'>) {
  if (input.status === 'in_progress' && !input.eventId) throw invalidPayload('"eventId" is required when "status" is "in_progress"')
  await requireRefs(ctx.db, botId, { conversations: input.conversationId, users: input.userId, workflows: input.parentWorkflowId, events: input.eventId })
}

function newWorkflow(input: NewWorkflowInput, ctx: RequestContext, botId: string, key: string | null) {
  const now = ctx.now()
  return {
    id: newId('workflow'),
    botId,
    name: input.name,
    status: input.status,
    input: JSON.stringify(input.input ?? {}),
    output: '{}',
    parentWorkflowId: input.parentWorkflowId ?? null,
    conversationId: input.conversationId ?? null,
    userId: input.userId ?? null,
    tags: JSON.stringify(cleanTags(input.tags)),
    failureReason: null,
    timeoutAt: isoDate('timeoutAt', input.timeoutAt) ?? addMs(now, DEFAULT_TIMEOUT_MS),
    completedAt: null,
    lookupKey: key,
    createdAt: now,
    updatedAt: now,
  }
}

export const workflowHandlers: PublicHandlers = {
  async createWorkflow(input, ctx) {
    const botId = await ctx.botId()
    await checkRefs(ctx, botId, input)
    let enqueued = false
    const row = await ctx.store.transaction(async (trx) => {
      const created = await trx.insertInto('workflows').values(newWorkflow(input, ctx, botId, null)).returningAll().executeTakeFirstOrThrow()
      enqueued = await onWorkflowCreated(trx, ctx, botId, created)
      return created
    })
    if (enqueued) ctx.services.runtime.wake()
    return { workflow: toWorkflow(row) }
  },

  async getWorkflow(input, ctx) {
    return { workflow: toWorkflow(await findOwned(ctx.db, 'workflows', await ctx.botId(), input.id)) }
  },

  async getOrCreateWorkflow(input, ctx) {
    const botId = await ctx.botId()
    await checkRefs(ctx, botId, input)
    const match = discriminatingTags(cleanTags(input.tags), input.discriminateByTags)
    const group = input.discriminateByStatusGroup
    let enqueued = false
    const key = lookupKey(['workflow', input.name, input.conversationId, input.userId, input.parentWorkflowId, group], match)
    const workflows = () => ctx.db.selectFrom('workflows').selectAll().where('botId', '=', botId)
    const row = await getOrCreate({
      byKey: () => workflows().where('lookupKey', '=', key).executeTakeFirst(),
      matching: () =>
        workflows()
          .where('name', '=', input.name)
          .$if(input.conversationId !== undefined, (q) => q.where('conversationId', '=', input.conversationId!))
          .$if(input.userId !== undefined, (q) => q.where('userId', '=', input.userId!))
          .$if(input.parentWorkflowId !== undefined, (q) => q.where('parentWorkflowId', '=', input.parentWorkflowId!))
          .$if(group !== undefined, (q) => q.where('status', 'in', [...statusGroups[group!]]))
          .where(hasTags(ctx.store.dialect, 'tags', match))
          .orderBy('createdAt')
          .orderBy('id')
          .limit(1)
          .executeTakeFirst(),
      insert: async () => {
        await ctx.store.transaction(async (trx) => {
          const created = await trx
            .insertInto('workflows')
            .values(newWorkflow(input, ctx, botId, key))
            .onConflict((oc) => oc.doNothing())
            .returningAll()
            .executeTakeFirst()
          if (created) enqueued = await onWorkflowCreated(trx, ctx, botId, created)
        })
      },
    })
    if (enqueued) ctx.services.runtime.wake()
    return { workflow: toWorkflow(row) }
  },

  async updateWorkflow(input, ctx) {
    const botId = await ctx.botId()
    if (input.status === 'in_progress' && !input.eventId) throw invalidPayload('"eventId" is required when "status" is "in_progress"')
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findOwned(trx, 'workflows', botId, input.id)
      await requireRefs(trx, botId, { users: input.userId, events: input.eventId })
      const now = ctx.now()
      const status = input.status ?? current.status
      // The get-or-create key stands for the tags and status group the workflow was made with.
      const releaseKey = input.tags !== undefined || groupOf(status) !== groupOf(current.status)
      return trx
        .updateTable('workflows')
        .set({
          status,
          ...(input.output !== undefined && { output: JSON.stringify(input.output) }),
          ...(input.timeoutAt !== undefined && { timeoutAt: isoDate('timeoutAt', input.timeoutAt) }),
          ...(input.failureReason !== undefined && { failureReason: input.failureReason }),
          ...(input.userId !== undefined && { userId: input.userId }),
          ...(input.tags !== undefined && { tags: JSON.stringify(mergeTags(parseJson(current.tags, {}), input.tags)) }),
          ...(releaseKey && { lookupKey: null }),
          completedAt: groupOf(status) === 'finished' ? (current.completedAt ?? now) : null,
          updatedAt: now,
        })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { workflow: toWorkflow(row) }
  },

  async deleteWorkflow(input, ctx) {
    const botId = await ctx.botId()
    await ctx.store.transaction(async (trx) => {
      await deleteOwned(trx, 'workflows', botId, input.id)
      await deleteStatesOf(trx, botId, 'workflow', input.id)
    })
    return {}
  },

  async listWorkflows(input, ctx) {
    const botId = await ctx.botId()
    const query = ctx.db
      .selectFrom('workflows')
      .selectAll()
      .where('botId', '=', botId)
      .$if(!!input.tags, (q) => q.where(hasTags(ctx.store.dialect, 'tags', input.tags!)))
      .$if(input.conversationId !== undefined, (q) => q.where('conversationId', '=', input.conversationId!))
      .$if(input.userId !== undefined, (q) => q.where('userId', '=', input.userId!))
      .$if(input.parentWorkflowId !== undefined, (q) => q.where('parentWorkflowId', '=', input.parentWorkflowId!))
      .$if(!!input.statuses?.length, (q) => q.where('status', 'in', input.statuses!))
      .$if(input.name !== undefined, (q) => q.where('name', '=', input.name!))
    const page = await paginate(query, { sortColumn: 'createdAt', nextToken: input.nextToken })
    return { workflows: page.items.map(toWorkflow), meta: page.meta }
  },
}
