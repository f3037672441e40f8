import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { parseJson } from '../store/json.js'
import { interfaceDefinition } from './definitions.js'
import { listPackages } from './listing.js'
import { toInterface, toInterfaceSummary, type InterfaceDefinition } from './models.js'
import { checkName, checkVersion } from './naming.js'
import { deleteUnusedPackage } from './in-use.js'
import { newPackageColumns, updatedPackageColumns } from './package-columns.js'
import { checkSchemas } from './schemas.js'
import { checkShareLock, visibilityOf } from './sharing.js'
import { insertPackage, managedWorkspace, ownedPackage, packageByName, requireAccount, shareIcon, updatePackage } from './store.js'

const publicUrl = (ctx: RequestContext) => ctx.services.config.publicUrl ?? ''

/** Interfaces are public or private (no unlisted, no dev): `public` is their only visibility switch. */
const interfaceVisibility = (input: { public?: boolean }, current?: 'public' | 'private' | 'unlisted') =>
  visibilityOf({ public: input.public }, current)

async function ownInterface(ctx: RequestContext, id: string) {
  return ownedPackage(ctx, 'interface', id)
}

export const interfaceHandlers: PublicHandlers = {
  createInterface: async (input, ctx) => {
    requireAccount(ctx, 'Creating an interface')
    const workspaceId = await managedWorkspace(ctx, 'interface')
    checkName('interface', input.name)
    checkVersion(input.version)
    const definition = interfaceDefinition(undefined, input)
    checkSchemas(definition)
    const row = newPackageColumns(ctx, 'interface', workspaceId, input, definition, interfaceVisibility(input))
    await ctx.store.transaction(async (db) => {
      await insertPackage(db, row)
      await shareIcon(db, row, input.icon)
    })
    return { interface: toInterface(await ownInterface(ctx, row.id), publicUrl(ctx)) }
  },

  getInterface: async (input, ctx) => ({ interface: toInterface(await ownInterface(ctx, input.id), publicUrl(ctx)) }),

  getInterfaceByName: async (input, ctx) => {
    const row = await packageByName(ctx.db, 'interface', input.name, input.version, await managedWorkspace(ctx, 'interface'))
    return { interface: toInterface(await ownInterface(ctx, row.id), publicUrl(ctx)) }
  },

  updateInterface: async (input, ctx) => {
    requireAccount(ctx, 'Updating an interface')
    const row = await ownInterface(ctx, input.id)
    checkShareLock(row, input)
    const definition = interfaceDefinition(parseJson<InterfaceDefinition>(row.definition, {} as InterfaceDefinition), input)
    checkSchemas(definition)
    await ctx.store.transaction(async (db) => {
      await updatePackage(db, row, updatedPackageColumns(ctx, row, input, definition, interfaceVisibility(input, row.visibility)))
      await shareIcon(db, row, input.icon)
    })
    return { interface: toInterface(await ownInterface(ctx, row.id), publicUrl(ctx)) }
  },

  deleteInterface: async (input, ctx) => {
    await deleteUnusedPackage(ctx, 'interface', input.id)
    return {}
  },

  listInterfaces: async (input: PublicApi.ListInterfacesInput, ctx) => {
    const workspaceId = await managedWorkspace(ctx, 'interface')
    const page = await listPackages(ctx.db, { ...input, kind: 'interface', scope: { workspaceId } })
    return { interfaces: page.rows.map((r) => toInterfaceSummary(r, publicUrl(ctx))), meta: page.nextToken ? { nextToken: page.nextToken } : {} }
  },
}
