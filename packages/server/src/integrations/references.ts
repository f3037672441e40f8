import type { Kysely } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import type { Database } from '../store/database.js'
import { ApiError, invalidPayload } from '../errors.js'
import { parseJson } from '../store/json.js'
import type { IntegrationDefinition, InterfaceDefinition, PluginDefinition } from './models.js'
import { findPackage, packageByName, usableBy, type PackageRow } from './store.js'
import type { HubKind } from './tables.js'

type Db = Kysely<Database>

const referenceNotFound = (field: string, what: string) =>
  new ApiError('ReferenceNotFound', `"${field}" refers to ${what}, which doesn't exist or isn't shared with this workspace`)

/** A definition `workspaceId` may point at, by id. */
async function usableById(db: Db, kind: HubKind, id: string, workspaceId: string, field: string): Promise<PackageRow> {
  const row = await findPackage(db, kind, id)
  if (!row || !usableBy(row, workspaceId)) throw referenceNotFound(field, `${kind} "${id}"`)
  return row
}

type ImplementedInput = NonNullable<PublicApi.CreateIntegrationInput['interfaces']>[string]
type Implemented = IntegrationDefinition['interfaces'][string]
const mappingFields = ['entities', 'actions', 'events', 'channels'] as const

/**
 * The interfaces an integration implements, with their names and versions: the current ones with the
 * input's changes (null removes an alias). Each mapping must name an element of the interface and one of
 * the integration's own definition.
 */
export async function resolveImplementedInterfaces(
  db: Db,
  workspaceId: string,
  current: IntegrationDefinition['interfaces'],
  patch: Record<string, ImplementedInput | null> | undefined,
): Promise<IntegrationDefinition['interfaces']> {
  const resolved: Record<string, Implemented> = {}
  for (const [alias, entry] of Object.entries(patch ?? {})) {
    if (!entry) continue
    const target = await usableById(db, 'interface', entry.id, workspaceId, `interfaces.${alias}.id`)
    const definition = parseJson<InterfaceDefinition>(target.definition, {} as InterfaceDefinition)
    for (const field of mappingFields) {
      for (const key of Object.keys(entry[field] ?? {})) {
        if (!Object.hasOwn(definition[field] ?? {}, key)) {
          throw invalidPayload(`"interfaces.${alias}.${field}.${key}": interface ${target.name}@${target.version} has no such ${field.slice(0, -1)}`)
        }
      }
    }
    resolved[alias] = {
      id: target.id,
      name: target.name,
      version: target.version,
      entities: entry.entities ?? {},
      actions: entry.actions ?? {},
      events: entry.events ?? {},
      channels: entry.channels ?? {},
    }
  }
  return { ...withoutRemoved(current, patch), ...resolved }
}

const withoutRemoved = <T>(current: Record<string, T>, patch: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(current).filter(([alias]) => patch?.[alias] !== null))

/** Each interface mapping must name an element the integration itself defines. */
export function checkInterfaceMappings(definition: IntegrationDefinition): void {
  for (const [alias, implemented] of Object.entries(definition.interfaces)) {
    for (const field of mappingFields) {
      for (const [key, { name }] of Object.entries(implemented[field] ?? {})) {
        if (!Object.hasOwn(definition[field] ?? {}, name)) {
          throw invalidPayload(`"interfaces.${alias}.${field}.${key}.name": the integration has no ${field.slice(0, -1)} "${name}"`)
        }
      }
    }
  }
}

type DependencyInput = { id?: string; name?: string; version?: string }
type Dependencies = PluginDefinition['dependencies']
type DependenciesPatch = NonNullable<PublicApi.UpdatePluginInput['dependencies']>

/** A plugin's dependency, by id or by name and version (this workspace's first, then the shared ones). */
async function resolveDependency(db: Db, kind: HubKind, workspaceId: string, field: string, ref: DependencyInput) {
  let row: PackageRow
  if (ref.id) row = await usableById(db, kind, ref.id, workspaceId, `${field}.id`)
  else if (ref.name && ref.version) {
    const own = await packageByName(db, kind, ref.name, ref.version, workspaceId).catch(() => undefined)
    row = own ?? (await packageByName(db, kind, ref.name, ref.version, undefined).catch(() => undefined))!
    if (!row) throw referenceNotFound(field, `${kind} ${ref.name}@${ref.version}`)
  } else throw invalidPayload(`"${field}": give the ${kind}'s "id", or its "name" and "version"`)
  return { id: row.id, name: row.name, version: row.version }
}

/** A plugin's dependencies: the current ones with the input's changes, each reference resolved. */
export async function resolveDependencies(db: Db, workspaceId: string, current: Dependencies | undefined, patch: DependenciesPatch | undefined): Promise<Dependencies> {
  const result: Dependencies = { interfaces: { ...(current?.interfaces ?? {}) }, integrations: { ...(current?.integrations ?? {}) } }
  for (const [group, kind] of [
    ['interfaces', 'interface'],
    ['integrations', 'integration'],
  ] as const) {
    for (const [alias, ref] of Object.entries(patch?.[group] ?? {})) {
      if (ref === null) delete result[group][alias]
      else result[group][alias] = await resolveDependency(db, kind, workspaceId, `dependencies.${group}.${alias}`, ref)
    }
  }
  return result
}

/** Rewrites the reference rows of a definition (what deleting an interface or integration checks). */
export async function saveReferences(db: Db, packageId: string, references: { alias: string; targetKind: HubKind; targetId: string }[]) {
  await db.deleteFrom('hubReferences').where('packageId', '=', packageId).execute()
  if (references.length) await db.insertInto('hubReferences').values(references.map((r) => ({ packageId, ...r }))).execute()
}

export const interfaceReferences = (definition: IntegrationDefinition) =>
  Object.entries(definition.interfaces).map(([alias, i]) => ({ alias, targetKind: 'interface' as const, targetId: i.id }))

export const dependencyReferences = (dependencies: Dependencies) => [
  ...Object.entries(dependencies.interfaces).map(([alias, d]) => ({ alias, targetKind: 'interface' as const, targetId: d.id })),
  ...Object.entries(dependencies.integrations).map(([alias, d]) => ({ alias, targetKind: 'integration' as const, targetId: d.id })),
]

/** The definitions (name@version) that point at `targetId`, for the ReferenceConstraint message. */
export async function referrers(db: Db, targetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('hubReferences')
    .innerJoin('hubPackages', 'hubPackages.id', 'hubReferences.packageId')
    .select(['hubPackages.kind', 'hubPackages.name', 'hubPackages.version'])
    .where('hubReferences.targetId', '=', targetId)
    .execute()
  return [...new Set(rows.map((r) => `${r.kind} ${r.name}@${r.version}`))]
}
