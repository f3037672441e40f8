import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { interfaceDefinition, keywordsOf } from './definitions.js'
import { checkUnused } from './in-use.js'
import { listPackages } from './listing.js'
import { toInterface, toInterfaceSummary, type InterfaceDefinition } from './models.js'
import { checkName, checkVersion } from './naming.js'
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
    const now = ctx.now()
    const title = input.title ?? input.name
    const description = input.description ?? ''
    const row = {
      id: newId('interface'),
      kind: 'interface' as const,
      workspaceId,
      name: input.name,
      version: input.version,
      visibility: interfaceVisibility(input),
      title,
      description,
      keywords: keywordsOf({ name: input.name, title, description, actions: definition.actions }),
      definition: JSON.stringify(definition),
      icon: input.icon ?? null,
      readme: input.readme ?? null,
      createdAt: now,
      updatedAt: now,
    }
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
    const title = input.title ?? row.title
    const description = input.description ?? row.description
    await ctx.store.transaction(async (db) => {
      await updatePackage(db, row, {
        visibility: interfaceVisibility(input, row.visibility),
        title,
        description,
        keywords: keywordsOf({ name: row.name, title, description, actions: definition.actions }),
        definition: JSON.stringify(definition),
        icon: input.icon ?? row.icon,
        readme: input.readme ?? row.readme,
        updatedAt: ctx.now(),
      })
      await shareIcon(db, row, input.icon)
    })
    return { interface: toInterface(await ownInterface(ctx, row.id), publicUrl(ctx)) }
  },

  deleteInterface: async (input, ctx) => {
    requireAccount(ctx, 'Deleting an interface')
    const row = await ownInterface(ctx, input.id)
    await checkUnused(ctx, row)
    await ctx.db.deleteFrom('hubPackages').where('id', '=', row.id).execute()
    return {}
  },

  listInterfaces: async (input: PublicApi.ListInterfacesInput, ctx) => {
    const workspaceId = await managedWorkspace(ctx, 'interface')
    const page = await listPackages(ctx.db, { ...input, kind: 'interface', scope: { workspaceId } })
    return { interfaces: page.rows.map((r) => toInterfaceSummary(r, publicUrl(ctx))), meta: page.nextToken ? { nextToken: page.nextToken } : {} }
  },
}
