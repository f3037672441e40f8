import type { RequestContext } from '../context.js'
import { forbidden, invalidPayload, notFound } from '../errors.js'
import { usageTypes, type UsageType } from './types.js'

/** A usage subject the caller may read: a bot of one of its workspaces, or one of its workspaces. */
export type Subject = { kind: 'bot'; id: string; workspaceId: string; createdAt: string } | { kind: 'workspace'; id: string; createdAt: string }

function refuseIntegrationKeys(ctx: RequestContext) {
  if (ctx.principal.kind === 'integration') throw forbidden('An integration API key cannot read usage')
}

export async function readableBot(ctx: RequestContext, id: string): Promise<Subject & { kind: 'bot' }> {
  refuseIntegrationKeys(ctx)
  if (ctx.principal.kind === 'bot' && ctx.principal.botId !== id) throw notFound('Bot', id)
  const bot = await ctx.db.selectFrom('bots').select(['id', 'workspaceId', 'createdAt']).where('id', '=', id).executeTakeFirst()
  if (!bot) throw notFound('Bot', id)
  await ctx.workspace(bot.workspaceId).catch(() => {
    throw notFound('Bot', id)
  })
  return { kind: 'bot', ...bot }
}

export async function readableWorkspace(ctx: RequestContext, id: string): Promise<Subject & { kind: 'workspace' }> {
  refuseIntegrationKeys(ctx)
  const workspace = await ctx.workspace(id).catch((error: unknown) => {
    throw (error as { type?: string }).type === 'Forbidden' ? notFound('Workspace', id) : error
  })
  const row = await ctx.db.selectFrom('workspaces').select(['id', 'createdAt']).where('id', '=', workspace.id).executeTakeFirst()
  if (!row) throw notFound('Workspace', id)
  return { kind: 'workspace', ...row }
}

/** The subject `id` names for `type`: a bot id for bot-scoped types, a workspace id for the others. */
export async function subjectOf(ctx: RequestContext, type: UsageType, id: string): Promise<Subject> {
  const scope = usageTypes[type].scope
  if (scope === 'bot' && !id.startsWith('bot_')) throw invalidPayload(`Invalid "id" ${JSON.stringify(id)}: usage type "${type}" is measured per bot; pass a bot id`)
  if (scope === 'workspace' && id.startsWith('bot_')) throw invalidPayload(`Invalid "id" ${JSON.stringify(id)}: usage type "${type}" is measured per workspace; pass a workspace id`)
  return scope === 'bot' ? readableBot(ctx, id) : readableWorkspace(ctx, id)
}
