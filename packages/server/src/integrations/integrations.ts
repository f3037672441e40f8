import type { Insertable } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import type { PublicHandlers } from '../handlers.js'
import type { Database } from '../store/database.js'
import { ApiError, alreadyExists, forbidden, invalidPayload } from '../errors.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { keywordsOf, newIntegrationDefinition, updatedIntegrationDefinition } from './definitions.js'
import { botInstalls, checkUnused } from './in-use.js'
import { listPackages } from './listing.js'
import { matchedOn, toIntegration, toIntegrationSummary, type IntegrationDefinition } from './models.js'
import { checkName, checkSecretNames, checkVersion } from './naming.js'
import { mergeRecord, replace } from './records.js'
import { checkInterfaceMappings, interfaceReferences, resolveImplementedInterfaces, saveReferences } from './references.js'
import { checkSchemas } from './schemas.js'
import { checkShareLock, visibilityOf } from './sharing.js'
import { actingIntegrationName, insertPackage, managedWorkspace, ownedPackage, packageByName, shareIcon, takenMessage, updatePackage } from './store.js'

type CreateInput = PublicApi.CreateIntegrationInput
type UpdateInput = PublicApi.UpdateIntegrationInput
type Row = Insertable<Database['hubPackages']>

const publicUrl = (ctx: RequestContext) => ctx.services.config.publicUrl ?? ''

/** Secrets as stored: names to values, null values dropped. */
const secretsOf = (current: Record<string, string>, patch: Record<string, string | null> | undefined) => mergeRecord(current, patch, replace)

const interfaceNames = (definition: IntegrationDefinition) => Object.values(definition.interfaces).map((i) => i.name)

function checkDevRules(dev: boolean, url: string | null | undefined, visibility: string): void {
  if (!dev) return
  if (!url) throw invalidPayload('"url" is required for a dev integration: the address its local process listens at')
  if (visibility !== 'private') throw invalidPayload(`"visibility": a dev integration stays private, it cannot be ${visibility}`)
}

/** Everything createIntegration checks, and the row it would insert. */
async function prepareCreate(ctx: RequestContext, input: CreateInput): Promise<{ row: Row; definition: IntegrationDefinition }> {
  const workspaceId = await managedWorkspace(ctx)
  checkName('integration', input.name)
  checkVersion(input.version)
  checkSecretNames(input.secrets)
  const actingName = await actingIntegrationName(ctx)
  if (actingName !== undefined && actingName !== input.name) {
    throw forbidden(`An integration API key of "${actingName}" can only create versions of "${actingName}"`)
  }
  const visibility = visibilityOf(input)
  checkDevRules(!!input.dev, input.url, visibility)
  const interfaces = await resolveImplementedInterfaces(ctx.db, workspaceId, {}, input.interfaces)
  const definition = newIntegrationDefinition(input, interfaces)
  checkInterfaceMappings(definition)
  checkSchemas(definition)
  const now = ctx.now()
  const title = input.title ?? input.name
  const description = input.description ?? ''
  return {
    definition,
    row: {
      id: newId('integration'),
      kind: 'integration',
      workspaceId,
      name: input.name,
      version: input.version,
      dev: input.dev ? 1 : 0,
      visibility,
      verificationStatus: 'unapproved',
      title,
      description,
      keywords: keywordsOf({ name: input.name, title, description, actions: definition.actions, interfaceNames: interfaceNames(definition) }),
      definition: JSON.stringify(definition),
      secrets: JSON.stringify(secretsOf({}, input.secrets)),
      code: input.code ?? null,
      url: input.url ?? null,
      icon: input.icon ?? null,
      readme: input.readme ?? null,
      createdAt: now,
      updatedAt: now,
    },
  }
}

/** Everything updateIntegration checks, and the columns it would change. */
async function prepareUpdate(ctx: RequestContext, input: UpdateInput) {
  const row = await ownedPackage(ctx, 'integration', input.id)
  checkShareLock(row, input)
  checkSecretNames(input.secrets)
  const visibility = visibilityOf(input, row.visibility)
  const url = input.url === undefined ? row.url : input.url
  checkDevRules(row.dev === 1, url, visibility)
  const current = parseJson<IntegrationDefinition>(row.definition, {} as IntegrationDefinition)
  const interfaces = await resolveImplementedInterfaces(ctx.db, row.workspaceId, current.interfaces, input.interfaces)
  const definition = updatedIntegrationDefinition(current, input, interfaces)
  checkInterfaceMappings(definition)
  checkSchemas(definition)
  const title = input.title ?? row.title
  const description = input.description ?? row.description
  const changes = {
    visibility,
    title,
    description,
    keywords: keywordsOf({ name: row.name, title, description, actions: definition.actions, interfaceNames: interfaceNames(definition) }),
    definition: JSON.stringify(definition),
    secrets: JSON.stringify(secretsOf(parseJson(row.secrets, {}), input.secrets)),
    code: input.code ?? row.code,
    url,
    icon: input.icon ?? row.icon,
    readme: input.readme ?? row.readme,
    updatedAt: ctx.now(),
  }
  return { row, definition, changes }
}

export const integrationHandlers: PublicHandlers = {
  createIntegration: async (input, ctx) => {
    const { row, definition } = await prepareCreate(ctx, input)
    await ctx.store.transaction(async (db) => {
      await insertPackage(db, row)
      await saveReferences(db, row.id, interfaceReferences(definition))
      await shareIcon(db, row, input.icon)
    })
    return { integration: toIntegration(await ownedPackage(ctx, 'integration', row.id), publicUrl(ctx)) }
  },

  validateIntegrationCreation: async (input, ctx) => {
    const { row } = await prepareCreate(ctx, input)
    const taken = await takenMessage(ctx.db, row)
    if (taken) throw alreadyExists(taken)
    return {}
  },

  updateIntegration: async (input, ctx) => {
    const { row, definition, changes } = await prepareUpdate(ctx, input)
    await ctx.store.transaction(async (db) => {
      await updatePackage(db, row, changes)
      await saveReferences(db, row.id, interfaceReferences(definition))
      await shareIcon(db, row, input.icon)
    })
    return { integration: toIntegration(await ownedPackage(ctx, 'integration', row.id), publicUrl(ctx)) }
  },

  validateIntegrationUpdate: async (input, ctx) => {
    const { row, changes } = await prepareUpdate(ctx, input)
    const taken = await takenMessage(ctx.db, { ...row, ...changes })
    if (taken) throw alreadyExists(taken)
    return {}
  },

  getIntegration: async (input, ctx) => ({ integration: toIntegration(await ownedPackage(ctx, 'integration', input.id), publicUrl(ctx)) }),

  getIntegrationByName: async (input, ctx) => {
    const workspaceId = await managedWorkspace(ctx)
    const row = await packageByName(ctx.db, 'integration', input.name, input.version, workspaceId)
    // An integration key resolves names through its own integration only.
    return { integration: toIntegration(await ownedPackage(ctx, 'integration', row.id), publicUrl(ctx)) }
  },

  listIntegrations: async (input, ctx) => {
    const workspaceId = await managedWorkspace(ctx)
    const ids = input.installedByBotId ? await botInstalls(ctx, input.installedByBotId) : undefined
    // An integration key lists the versions of its own integration.
    const actingName = await actingIntegrationName(ctx)
    if (actingName !== undefined && input.name !== undefined && input.name !== actingName) return { integrations: [], meta: {} }
    const filter = { ...input, name: actingName ?? input.name, kind: 'integration' as const, scope: { workspaceId }, ids }
    const page = await listPackages(ctx.db, filter)
    // The versions of one name come in one answer: the official CLI (0.8.x) lists them with `{ name }` alone
    // and calls again without the nextToken while the answer has one, so a second page would make it loop.
    if (filter.name !== undefined && input.limit === undefined && input.nextToken === undefined) {
      for (let next = page.nextToken; next !== undefined; ) {
        const more = await listPackages(ctx.db, { ...filter, nextToken: next })
        page.rows.push(...more.rows)
        next = more.nextToken
      }
      page.nextToken = undefined
    }
    const integrations = page.rows.map((r) => ({ ...toIntegrationSummary(r, publicUrl(ctx)), matchedOn: matchedOn(r, input.search) }))
    return { integrations, meta: page.nextToken ? { nextToken: page.nextToken } : {} }
  },

  deleteIntegration: async (input, ctx) => {
    const row = await ownedPackage(ctx, 'integration', input.id)
    await checkUnused(ctx, row)
    await ctx.store.transaction(async (db) => {
      await db.deleteFrom('tokens').where('kind', '=', 'integration').where('integrationId', '=', row.id).execute()
      await db.deleteFrom('hubPackages').where('id', '=', row.id).execute()
    })
    ctx.services.auth.invalidate()
    return {}
  },

  requestIntegrationVerification: async (input, ctx) => {
    const row = await ownedPackage(ctx, 'integration', input.integrationId)
    throw new ApiError(
      'MethodNotFound',
      `Integration ${row.name}@${row.version} stays "${row.verificationStatus}": verification is a review by the Botpress team on Botpress Cloud, and a self-hosted bpkit server has no reviewer`,
    )
  },
}
