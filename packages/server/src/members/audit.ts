import { publicOperations, type PublicApi, type PublicOperationName } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import type { Db } from '../store/store.js'
import { newId } from '../ids.js'
import { paginate } from '../store/pagination.js'
import { actsOnPathWorkspace, permissionOf } from './roles.js'

/**
 * The audit trail: who changed what, when, in a workspace. Every successful change made through the
 * admin API (`/v1/admin/...`, any method but GET) is written, for the workspace it changed.
 */

type AuditAction = PublicApi.GetAuditRecordsResponse['records'][number]['action']
type AuditRow = { workspaceId: string; userId: string | null; userEmail: string | null; action: AuditAction; resourceId: string | null; resourceName: string | null; value: Record<string, unknown> }

/** The spec's actions for the operations it names; every other change is `UNKNOWN` with its operation in `value`. */
const actions: Partial<Record<PublicOperationName, AuditAction>> = {
  createWorkspace: 'CREATE_WORKSPACE',
  updateWorkspace: 'UPDATE_WORKSPACE',
  deleteWorkspace: 'CLOSE_WORKSPACE',
  createWorkspaceMember: 'ADD_WORKSPACE_MEMBER',
  updateWorkspaceMember: 'UPDATE_WORKSPACE_MEMBER',
  deleteWorkspaceMember: 'REMOVE_WORKSPACE_MEMBER',
  createBot: 'CREATE_BOT',
  updateBot: 'UPDATE_BOT',
  deleteBot: 'DELETE_BOT',
  transferBot: 'TRANSFER_BOT',
  deployBotVersion: 'DEPLOY_BOT',
  publishFromBotJson: 'DEPLOY_BOT',
}

/**
 * Admin operations sent with POST or PUT that change nothing, and changes the generic recorder leaves to
 * others: a deleted workspace takes its trail with it, and deleteAccount writes its own records first.
 */
const notRecorded = new Set<string>([
  'checkHandleAvailability',
  'validateIntegrationCreation',
  'validateIntegrationUpdate',
  'introspect',
  'runVrl',
  'setAccountPreference',
  'deleteWorkspace',
  'deleteAccount',
])

/** Input fields worth keeping in a record's `value` (never a secret: token values are outputs, not inputs). */
const keptFields = ['role', 'email', 'name', 'handle', 'spendingLimit', 'targetWorkspaceId', 'versionId', 'integrationId', 'note'] as const

export function isAudited(operation: string): boolean {
  const definition = (publicOperations as Record<string, { method: string; path: string }>)[operation]
  return (
    !!definition &&
    definition.method !== 'get' &&
    definition.path.startsWith('/v1/admin/') &&
    !notRecorded.has(operation) &&
    permissionOf(operation) !== 'billing'
  )
}

function actionOf(operation: string, input: Record<string, unknown>): AuditAction {
  if (operation === 'updateWorkspace' && input.spendingLimit !== undefined) return 'SET_SPENDING_LIMIT'
  if (operation === 'updateBot' && input.configuration !== undefined) return 'UPDATE_BOT_CONFIG'
  return actions[operation as PublicOperationName] ?? 'UNKNOWN'
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

/** The resource a change made or touched: the object the output returns (a created bot, member, key...), else the input's id. */
function resourceOf(input: Record<string, unknown>, output: unknown): { resourceId: string | null; resourceName: string | null } {
  const entity = [output, ...(isObject(output) ? Object.values(output) : [])].find((o): o is Record<string, unknown> => isObject(o) && typeof o.id === 'string')
  const resourceId = text(entity?.id) ?? text(input.id) ?? text(input.botId) ?? text(input.integrationId) ?? null
  const resourceName = text(entity?.name) ?? text(entity?.email) ?? text(input.name) ?? text(input.email) ?? text(entity?.note) ?? null
  return { resourceId, resourceName }
}

function valueOf(operation: string, input: Record<string, unknown>, ctx: RequestContext): Record<string, unknown> {
  const value: Record<string, unknown> = { operation }
  for (const field of keptFields) if (input[field] !== undefined) value[field] = input[field]
  const p = ctx.principal
  if (p.kind === 'bot') value.by = `bot API key of ${p.botId}`
  if (p.kind === 'integration') value.by = `integration API key of ${p.integrationId}`
  return value
}

const memberWorkspaces = async (db: Db, accountId: string) =>
  (await db.selectFrom('workspaceMembers').select('workspaceId').where('accountId', '=', accountId).execute()).map((r) => r.workspaceId)

/**
 * The workspaces a change is recorded in: the one it acted on, checked against the caller's membership,
 * or, for a change to the caller's own account (a token, its profile), every workspace the account is in.
 */
async function workspacesOf(ctx: RequestContext, operation: string): Promise<string[]> {
  const input = ctx.input ?? {}
  const p = ctx.principal
  if (operation === 'createWorkspace' && isObject(ctx.output)) return [String(ctx.output.id)]
  if (p.kind !== 'account') return p.workspaceId ? [p.workspaceId] : []
  if (actsOnPathWorkspace(operation)) return [String(input.id)]
  if (permissionOf(operation) === 'account') return memberWorkspaces(ctx.db, p.accountId)
  const acting = await ctx.workspace().then((w) => w.id, () => undefined)
  if (acting) return [acting]
  const botId = text(input.botId) ?? ctx.header('x-bot-id')
  const bot = botId ? await ctx.db.selectFrom('bots').select('workspaceId').where('id', '=', botId).executeTakeFirst() : undefined
  if (!bot) return []
  return ctx.workspace(bot.workspaceId).then((w) => [w.id], () => [])
}

async function actor(ctx: RequestContext): Promise<{ userId: string | null; userEmail: string | null }> {
  if (ctx.principal.kind !== 'account') return { userId: null, userEmail: null }
  const account = await ctx.db.selectFrom('accounts').select('email').where('id', '=', ctx.principal.accountId).executeTakeFirst()
  return { userId: ctx.principal.accountId, userEmail: account?.email ?? null }
}

/** Writes audit records (used by the recorder below and by handlers that record a change themselves). */
export async function writeAuditRecords(db: Db, rows: AuditRow[], recordedAt: string): Promise<void> {
  if (!rows.length) return
  await db
    .insertInto('auditRecords')
    .values(rows.map((row) => ({ ...row, id: newId('audit'), recordedAt, value: JSON.stringify(row.value) })))
    .execute()
}

/** Records the change a successful admin operation made. Called before the response is sent. */
export async function recordChange(ctx: RequestContext): Promise<void> {
  const operation = ctx.operation
  if (ctx.output === undefined || !isAudited(operation)) return
  const input = ctx.input ?? {}
  const workspaceIds = await workspacesOf(ctx, operation)
  if (!workspaceIds.length) return
  const who = await actor(ctx)
  const what = { action: actionOf(operation, input), ...resourceOf(input, ctx.output), value: valueOf(operation, input, ctx) }
  await writeAuditRecords(ctx.db, workspaceIds.map((workspaceId) => ({ workspaceId, ...who, ...what })), ctx.now())
}

export const auditHandlers: PublicHandlers = {
  async getAuditRecords({ id, nextToken }, ctx) {
    ctx.accountId()
    const workspace = await ctx.workspace(id)
    const query = ctx.db.selectFrom('auditRecords').selectAll().where('workspaceId', '=', workspace.id)
    const page = await paginate(query, { sortColumn: 'recordedAt', direction: 'desc', nextToken })
    return {
      records: page.items.map((r) => ({
        id: r.id,
        recordedAt: r.recordedAt,
        userId: r.userId,
        userEmail: r.userEmail,
        resourceId: r.resourceId,
        resourceName: r.resourceName,
        value: r.value,
        action: r.action as AuditAction,
      })),
      meta: page.meta,
    }
  },
}
