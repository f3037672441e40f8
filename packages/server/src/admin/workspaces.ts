import type { PublicHandlers } from '../handlers.js'
import type { Db } from '../store/store.js'
import type { RequestContext } from '../context.js'
import { alreadyExists, notFound } from '../errors.js'
import { newId } from '../ids.js'
import { paginate } from '../store/pagination.js'
import { checkWorkspaceName, toWorkspace, updatedWorkspaceData } from './workspace-model.js'
import { isUniqueViolation } from './unique.js'
import { refuseIntegrationKeys } from './bot-access.js'

const botCount = (db: Db, workspaceId: string) =>
  db
    .selectFrom('bots')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspaceId', '=', workspaceId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.count))

async function loadWorkspace(db: Db, id: string) {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Workspace', id)
  return toWorkspace(row, await botCount(db, id))
}

/** The workspace `id` for a change: the caller must be a member, and only accounts change workspaces. */
async function workspaceToChange(ctx: RequestContext, id: string) {
  ctx.accountId()
  return ctx.workspace(id)
}

/**
 * Workspaces. An account sees the workspaces it is a member of; a bot API key may only read its own
 * workspace. Deleting a workspace deletes everything under it through the store's cascading foreign keys.
 */
export const workspaceHandlers: PublicHandlers = {
  async createWorkspace({ name }, ctx) {
    const accountId = ctx.accountId()
    const now = ctx.now()
    const id = newId('workspace')
    await ctx.store.transaction(async (trx) => {
      await trx.insertInto('workspaces').values({ id, name: checkWorkspaceName(name), handle: null, ownerId: accountId, data: '{}', createdAt: now, updatedAt: now }).execute()
      await trx.insertInto('workspaceMembers').values({ id: newId('member'), workspaceId: id, accountId, role: 'owner', createdAt: now, updatedAt: now }).execute()
    })
    return loadWorkspace(ctx.db, id)
  },

  async getWorkspace({ id }, ctx) {
    refuseIntegrationKeys(ctx)
    await ctx.workspace(id)
    return loadWorkspace(ctx.db, id)
  },

  async listWorkspaces({ nextToken, handle }, ctx) {
    let query = ctx.db
      .selectFrom('workspaces')
      .innerJoin('workspaceMembers', 'workspaceMembers.workspaceId', 'workspaces.id')
      .selectAll('workspaces')
      .select((eb) =>
        eb.selectFrom('bots').select(eb.fn.countAll<number>().as('n')).whereRef('bots.workspaceId', '=', 'workspaces.id').as('botCount'),
      )
      .where('workspaceMembers.accountId', '=', ctx.accountId())
    if (handle !== undefined) query = query.where('workspaces.handle', '=', handle)
    const page = await paginate(query, { sortColumn: 'workspaces.createdAt', idColumn: 'workspaces.id', direction: 'asc', nextToken })
    return { workspaces: page.items.map(({ botCount, ...row }) => toWorkspace(row, Number(botCount ?? 0))), meta: page.meta }
  },

  async updateWorkspace(input, ctx) {
    const { id } = await workspaceToChange(ctx, input.id)
    await ctx.store.transaction(async (trx) => {
      const row = await trx.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) throw notFound('Workspace', id)
      if (input.handle !== undefined && input.handle !== row.handle) {
        const taken = await trx.selectFrom('workspaces').select('id').where('handle', '=', input.handle).executeTakeFirst()
        if (taken) throw alreadyExists(`The workspace handle "${input.handle}" is already taken`)
      }
      await trx
        .updateTable('workspaces')
        .set({
          name: input.name !== undefined ? checkWorkspaceName(input.name) : row.name,
          handle: input.handle ?? row.handle,
          data: updatedWorkspaceData(row, input),
          isPublic: input.isPublic === undefined ? row.isPublic : Number(input.isPublic),
          updatedAt: ctx.now(),
        })
        .where('id', '=', id)
        .execute()
    }).catch((error) => {
      // Two updates racing for one handle: the UNIQUE constraint lets one win.
      throw isUniqueViolation(error) ? alreadyExists(`The workspace handle "${input.handle}" is already taken`) : error
    })
    return loadWorkspace(ctx.db, id)
  },

  async deleteWorkspace({ id }, ctx) {
    await workspaceToChange(ctx, id)
    const bots = await ctx.db.selectFrom('bots').select('id').where('workspaceId', '=', id).execute()
    await ctx.db.deleteFrom('workspaces').where('id', '=', id).execute()
    ctx.services.auth.invalidate()
    await ctx.services.botsDeleted(bots.map((b) => b.id))
    return {}
  },
}
