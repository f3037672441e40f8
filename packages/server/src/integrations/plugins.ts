import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { parseJson } from '../store/json.js'
import { pluginDefinition } from './definitions.js'
import { dereferencePlugin } from './dereference.js'
import { listPackages } from './listing.js'
import { pluginCode, toPlugin, toPluginSummary, type PluginDefinition } from './models.js'
import { checkName, checkVersion } from './naming.js'
import { deleteUnusedPackage } from './in-use.js'
import { newPackageColumns, updatedPackageColumns } from './package-columns.js'
import { dependencyReferences, resolveDependencies, saveReferences } from './references.js'
import { checkSchemas } from './schemas.js'
import { checkShareLock, visibilityOf } from './sharing.js'
import { insertPackage, managedWorkspace, ownedPackage, packageByName, requireAccount, shareIcon, updatePackage } from './store.js'

const publicUrl = (ctx: RequestContext) => ctx.services.config.publicUrl ?? ''

const ownPlugin = (ctx: RequestContext, id: string) => ownedPackage(ctx, 'plugin', id)

export const pluginHandlers: PublicHandlers = {
  createPlugin: async (input, ctx) => {
    requireAccount(ctx, 'Creating a plugin')
    const workspaceId = await managedWorkspace(ctx, 'plugin')
    checkName('plugin', input.name)
    checkVersion(input.version)
    const dependencies = await resolveDependencies(ctx.db, workspaceId, undefined, input.dependencies)
    const definition = pluginDefinition(undefined, input, dependencies)
    checkSchemas(definition)
    const row = {
      ...newPackageColumns(ctx, 'plugin', workspaceId, input, definition, visibilityOf(input)),
      code: JSON.stringify({ node: input.code.node, browser: input.code.browser }),
    }
    await ctx.store.transaction(async (db) => {
      await insertPackage(db, row)
      await saveReferences(db, row.id, dependencyReferences(dependencies))
      await shareIcon(db, row, input.icon)
    })
    return { plugin: toPlugin(await ownPlugin(ctx, row.id), publicUrl(ctx)) }
  },

  getPlugin: async (input, ctx) => ({ plugin: toPlugin(await ownPlugin(ctx, input.id), publicUrl(ctx)) }),

  getPluginByName: async (input, ctx) => {
    const row = await packageByName(ctx.db, 'plugin', input.name, input.version, await managedWorkspace(ctx, 'plugin'))
    return { plugin: toPlugin(await ownPlugin(ctx, row.id), publicUrl(ctx)) }
  },

  updatePlugin: async (input, ctx) => {
    requireAccount(ctx, 'Updating a plugin')
    const row = await ownPlugin(ctx, input.id)
    checkShareLock(row, input)
    const current = parseJson<PluginDefinition>(row.definition, {} as PluginDefinition)
    const dependencies = await resolveDependencies(ctx.db, row.workspaceId, current.dependencies, input.dependencies)
    const definition = pluginDefinition(current, input, dependencies)
    checkSchemas(definition)
    await ctx.store.transaction(async (db) => {
      await updatePackage(db, row, {
        ...updatedPackageColumns(ctx, row, input, definition, visibilityOf(input, row.visibility)),
        code: JSON.stringify({ ...pluginCode(row), ...input.code }),
      })
      await saveReferences(db, row.id, dependencyReferences(dependencies))
      await shareIcon(db, row, input.icon)
    })
    return { plugin: toPlugin(await ownPlugin(ctx, row.id), publicUrl(ctx)) }
  },

  deletePlugin: async (input, ctx) => {
    await deleteUnusedPackage(ctx, 'plugin', input.id)
    return {}
  },

  listPlugins: async (input: PublicApi.ListPluginsInput, ctx) => {
    const workspaceId = await managedWorkspace(ctx, 'plugin')
    const page = await listPackages(ctx.db, { ...input, kind: 'plugin', scope: { workspaceId } })
    return { plugins: page.rows.map((r) => toPluginSummary(r, publicUrl(ctx))), meta: page.nextToken ? { nextToken: page.nextToken } : {} }
  },

  getPluginCode: async (input, ctx) => ({ code: pluginCode(await ownPlugin(ctx, input.id))[input.platform] }),

  getDereferencedPlugin: async (input, ctx) => {
    const row = await ownPlugin(ctx, input.id)
    return { plugin: await dereferencePlugin(ctx, toPlugin(row, publicUrl(ctx)), input.interfaces, row.workspaceId) }
  },
}
