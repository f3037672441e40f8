import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { paginate } from '../store/pagination.js'
import { parseJson } from '../store/json.js'
import { reachableBot } from './bot-scope.js'

/**
 * Task activities (`listActivities`): what happened to a bot's task, recorded as the chat API changes it —
 * its creation, each update and status change, its deletion, and its subtasks' status on the parent.
 */

type Activity = PublicApi.Activity
type NewActivity = Pick<Activity, 'taskId' | 'category' | 'description' | 'data'>
type Task = PublicApi.Task

const isTask = (value: unknown): value is Task => typeof value === 'object' && value !== null && typeof (value as Task).id === 'string'

/** The activities one successful task operation produced. */
function activitiesOf(operation: string, input: Record<string, unknown>, output: unknown): NewActivity[] {
  const task = (output as { task?: unknown } | undefined)?.task
  if (operation === 'deleteTask' && typeof input.id === 'string') {
    return [{ taskId: input.id, category: 'task_status', description: 'Task deleted', data: { operation } }]
  }
  if (!isTask(task)) return []
  if (operation === 'createTask') {
    const created: NewActivity[] = [{ taskId: task.id, category: 'task_status', description: `Task "${task.title}" created with status ${task.status}`, data: { operation, status: task.status } }]
    if (task.parentTaskId) {
      created.push({ taskId: task.parentTaskId, category: 'subtask_status', description: `Subtask ${task.id} created with status ${task.status}`, data: { operation, subtaskId: task.id, status: task.status } })
    }
    return created
  }
  if (operation === 'updateTask') {
    const changed = Object.keys(input).filter((key) => key !== 'id' && input[key] !== undefined)
    const updated: NewActivity[] = [
      input.status !== undefined
        ? { taskId: task.id, category: 'task_status', description: `Task status set to ${task.status}`, data: { operation, status: task.status, changed } }
        : { taskId: task.id, category: 'unknown', description: `Task updated (${changed.join(', ') || 'nothing'})`, data: { operation, changed } },
    ]
    if (input.status !== undefined && task.parentTaskId) {
      updated.push({ taskId: task.parentTaskId, category: 'subtask_status', description: `Subtask ${task.id} status set to ${task.status}`, data: { operation, subtaskId: task.id, status: task.status } })
    }
    return updated
  }
  return []
}

const taskOperations = new Set(['createTask', 'updateTask', 'deleteTask'])

/** Records the activities of a successful task operation. Called before the response is sent. */
export async function recordTaskActivity(ctx: RequestContext): Promise<void> {
  if (ctx.output === undefined || !taskOperations.has(ctx.operation)) return
  const activities = activitiesOf(ctx.operation, ctx.input ?? {}, ctx.output)
  if (!activities.length) return
  const botId = await ctx.botId()
  const createdAt = ctx.now()
  await ctx.db
    .insertInto('activities')
    .values(activities.map((a) => ({ ...a, id: newId('activity'), botId, createdAt, data: JSON.stringify(a.data) })))
    .execute()
}

export const activityHandlers: PublicHandlers = {
  async listActivities({ botId, taskId, nextToken }, ctx) {
    const bot = await reachableBot(ctx, botId)
    const query = ctx.db.selectFrom('activities').selectAll().where('botId', '=', bot.id).where('taskId', '=', taskId)
    const page = await paginate(query, { sortColumn: 'createdAt', direction: 'asc', nextToken })
    return {
      activities: page.items.map((a) => ({
        id: a.id,
        taskId: a.taskId,
        category: a.category as Activity['category'],
        description: a.description,
        data: parseJson(a.data, {}),
        createdAt: a.createdAt,
      })),
      meta: page.meta,
    }
  },
}
