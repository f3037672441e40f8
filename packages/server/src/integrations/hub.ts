import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { dereferencePlugin } from './dereference.js'
import { botsInstalling } from './installs.js'
import { botInstalls } from './in-use.js'
import { listPackages } from './listing.js'
import { matchedOn, pluginCode, toIntegration, toIntegrationSummary, toInterface, toInterfaceSummary, toPlugin, toPluginSummary, type OwnerWorkspace } from './models.js'
import { packageByName, sharedPackage, type PackageRow } from './store.js'

/**
 * The hub of this server: every workspace's public definitions, listed; unlisted ones are reachable by id
 * or name but not listed. Any valid token may read it.
 */

const publicUrl = (ctx: RequestContext) => ctx.services.config.publicUrl ?? ''

async function owners(ctx: RequestContext, rows: PackageRow[]): Promise<Map<string, OwnerWorkspace>> {
  const ids = [...new Set(rows.map((r) => r.workspaceId))]
  if (!ids.length) return new Map()
  const workspaces = await ctx.db.selectFrom('workspaces').select(['id', 'name', 'handle']).where('id', 'in', ids).execute()
  return new Map(workspaces.map((w) => [w.id, w]))
}

/** The hub's view of an integration: who publishes it and how many bots install it (views are not counted). */
async function hubIntegration(ctx: RequestContext, row: PackageRow) {
  const owner = (await owners(ctx, [row])).get(row.workspaceId)!
  const installs = (await botsInstalling(ctx.db, 'integration', row.id)).length
  return { integration: { ...toIntegration(row, publicUrl(ctx)), ownerWorkspace: owner, meta: { installs, views: 0 } } }
}

const nextMeta = (nextToken?: string) => (nextToken ? { nextToken } : {})

export const hubHandlers: PublicHandlers = {
  listPublicIntegrations: async (input, ctx) => {
    const ids = input.installedByBotId ? await botInstalls(ctx, input.installedByBotId) : undefined
    const page = await listPackages(ctx.db, { ...input, kind: 'integration', scope: 'hub', ids })
    const byId = await owners(ctx, page.rows)
    const integrations = await Promise.all(
      page.rows.map(async (row) => ({
        ...toIntegrationSummary(row, publicUrl(ctx)),
        ownerWorkspace: byId.get(row.workspaceId)!,
        matchedOn: matchedOn(row, input.search),
        meta: { installs: (await botsInstalling(ctx.db, 'integration', row.id)).length, views: 0 },
      })),
    )
    return { integrations, meta: nextMeta(page.nextToken) }
  },
  getPublicIntegrationById: async (input, ctx) => hubIntegration(ctx, await sharedPackage(ctx.db, 'integration', input.id)),
  getPublicIntegration: async (input, ctx) => hubIntegration(ctx, await packageByName(ctx.db, 'integration', input.name, input.version, undefined)),

  listPublicInterfaces: async (input, ctx) => {
    const page = await listPackages(ctx.db, { ...input, kind: 'interface', scope: 'hub' })
    return { interfaces: page.rows.map((r) => toInterfaceSummary(r, publicUrl(ctx))), meta: nextMeta(page.nextToken) }
  },
  getPublicInterfaceById: async (input, ctx) => ({ interface: toInterface(await sharedPackage(ctx.db, 'interface', input.id), publicUrl(ctx)) }),
  getPublicInterface: async (input, ctx) => ({
    interface: toInterface(await packageByName(ctx.db, 'interface', input.name, input.version, undefined), publicUrl(ctx)),
  }),

  listPublicPlugins: async (input, ctx) => {
    const page = await listPackages(ctx.db, { ...input, kind: 'plugin', scope: 'hub' })
    return { plugins: page.rows.map((r) => toPluginSummary(r, publicUrl(ctx))), meta: nextMeta(page.nextToken) }
  },
  getPublicPluginById: async (input, ctx) => ({ plugin: toPlugin(await sharedPackage(ctx.db, 'plugin', input.id), publicUrl(ctx)) }),
  getPublicPlugin: async (input, ctx) => ({ plugin: toPlugin(await packageByName(ctx.db, 'plugin', input.name, input.version, undefined), publicUrl(ctx)) }),
  getPublicPluginCode: async (input, ctx) => ({ code: pluginCode(await sharedPackage(ctx.db, 'plugin', input.id))[input.platform] }),
  getDereferencedPublicPluginById: async (input, ctx) => {
    const row = await sharedPackage(ctx.db, 'plugin', input.id)
    // Backing integrations are the caller's workspace's own or shared ones (only shared without a workspace).
    const workspaceId = ctx.principal.kind === 'account' ? ctx.header('x-workspace-id') : (ctx.principal.workspaceId ?? undefined)
    const usableFrom = workspaceId ? (await ctx.workspace(workspaceId)).id : ''
    return { plugin: await dereferencePlugin(ctx, toPlugin(row, publicUrl(ctx)), input.interfaces, usableFrom) }
  },
}
