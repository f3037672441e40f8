import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { hasTags, parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { addMs, isoDate } from './inputs.js'
import { toTask } from './models.js'
import { deleteOwned, findOwned, requireRefs } from './refs.js'
import { deleteStatesOf } from './states.js'
import { cleanTags, mergeTags } from './tags.js'
import { DEFAULT_TIMEOUT_MS } from './workflows.js'

export const taskHandlers: PublicHandlers = {
  async createTask(input, ctx) {
    const botId = await ctx.botId()
    await requireRefs(ctx.db, botId, { conversations: input.conversationId, users: input.userId, tasks: input.parentTaskId })
    const now = ctx.now()
    const row = await ctx.db
      .insertInto('tasks')
      .values({
        id: newId('task'),
        botId,
        title: input.title ?? '',
        description: input.description ?? '',
        type: input.type,
        data: JSON.stringify(input.data ?? {}),
        status: 'pending',
        parentTaskId: input.parentTaskId ?? null,
        conversationId: input.conversationId,
        userId: input.userId ?? null,
        tags: JSON.stringify(cleanTags(input.tags)),
        failureReason: null,
        timeoutAt: isoDate('timeoutAt', input.timeoutAt) ?? addMs(now, DEFAULT_TIMEOUT_MS),
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    return { task: toTask(row) }
  },

  async getTask(input, ctx) {
    return { task: toTask(await findOwned(ctx.db, 'tasks', await ctx.botId(), input.id)) }
  },

  async updateTask(input, ctx) {
    const botId = await ctx.botId()
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findOwned(trx, 'tasks', botId, input.id)
      return trx
        .updateTable('tasks')
        .set({
          ...(input.title !== undefined && { title: input.title }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.data !== undefined && { data: JSON.stringify(input.data) }),
          ...(input.timeoutAt !== undefined && { timeoutAt: isoDate('timeoutAt', input.timeoutAt) }),
          ...(input.status !== undefined && { status: input.status }),
          ...(input.tags !== undefined && { tags: JSON.stringify(mergeTags(parseJson(current.tags, {}), input.tags)) }),
          updatedAt: ctx.now(),
        })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { task: toTask(row) }
  },

  async deleteTask(input, ctx) {
    const botId = await ctx.botId()
    await ctx.store.transaction(async (trx) => {
      await deleteOwned(trx, 'tasks', botId, input.id)
      await deleteStatesOf(trx, botId, 'task', input.id)
    })
    return {}
  },

  async listTasks(input, ctx) {
    const botId = await ctx.botId()
    const query = ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where('botId', '=', botId)
      .$if(!!input.tags, (q) => q.where(hasTags(ctx.store.dialect, 'tags', input.tags!)))
      .$if(input.conversationId !== undefined, (q) => q.where('conversationId', '=', input.conversationId!))
      .$if(input.userId !== undefined, (q) => q.where('userId', '=', input.userId!))
      .$if(input.parentTaskId !== undefined, (q) => q.where('parentTaskId', '=', input.parentTaskId!))
      .$if(!!input.status?.length, (q) => q.where('status', 'in', input.status!))
      .$if(input.type !== undefined, (q) => q.where('type', '=', input.type!))
    const page = await paginate(query, { sortColumn: 'createdAt', nextToken: input.nextToken })
    return { tasks: page.items.map(toTask), meta: page.meta }
  },
}
