import type { PublicApi } from '@bpkit/spec'
import { parseJson } from '../store/json.js'
import type { PackageRow } from './store.js'

export type Integration = PublicApi.Integration
export type Interface = PublicApi.Interface
export type Plugin = PublicApi.Plugin

/** What `hubPackages.definition` holds for an integration: its model minus the columns. */
export type IntegrationDefinition = Pick<
  Integration,
  'identifier' | 'interfaces' | 'configuration' | 'configurations' | 'channels' | 'states' | 'events' | 'actions' | 'user' | 'entities'
> &
  Partial<Pick<Integration, 'attributes' | 'maxExecutionTime'>> & {
    extraOperations?: Record<string, { enabled: boolean }>
    sdkVersion?: string
    layers?: string[]
  }

export type InterfaceDefinition = Pick<Interface, 'entities' | 'events' | 'actions' | 'channels'> &
  Partial<Pick<Interface, 'nameTemplate' | 'attributes'>> & { sdkVersion?: string }

export type PluginDefinition = Pick<Plugin, 'configuration' | 'states' | 'events' | 'actions' | 'dependencies' | 'user' | 'conversation'> &
  Partial<Pick<Plugin, 'attributes'>> & { sdkVersion?: string }

export type PluginCode = { node: string; browser: string }

/** Icons and readmes are served by this server (see assets.ts); an empty URL when there is none. */
const assetUrl = (publicUrl: string, row: PackageRow, asset: 'icon' | 'readme') =>
  row[asset] ? `${publicUrl}/assets/hub/${row.id}/${asset === 'icon' ? 'icon.svg' : 'readme.md'}` : ''

/** The fields every kind's summary shares. */
function summary(row: PackageRow, publicUrl: string) {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    title: row.title,
    description: row.description,
    iconUrl: assetUrl(publicUrl, row, 'icon'),
    readmeUrl: assetUrl(publicUrl, row, 'readme'),
    public: row.visibility !== 'private',
  }
}

export function toIntegrationSummary(row: PackageRow, publicUrl: string) {
  const { readmeUrl: _readmeUrl, ...base } = summary(row, publicUrl)
  return {
    ...base,
    visibility: row.visibility,
    verificationStatus: row.verificationStatus,
    lifecycleStatus: 'published' as const,
  }
}

export function toIntegration(row: PackageRow, publicUrl: string): Integration {
  const definition = parseJson<IntegrationDefinition>(row.definition, {} as IntegrationDefinition)
  const { extraOperations: _extra, sdkVersion: _sdk, layers: _layers, ...model } = definition
  return {
    ...model,
    ...summary(row, publicUrl),
    url: row.url ?? '',
    dev: row.dev === 1,
    visibility: row.visibility,
    verificationStatus: row.verificationStatus,
    lifecycleStatus: 'published',
    secrets: Object.keys(parseJson<Record<string, string>>(row.secrets, {})),
  }
}

export const toInterfaceSummary = (row: PackageRow, publicUrl: string) => summary(row, publicUrl)

export function toInterface(row: PackageRow, publicUrl: string): Interface {
  const { sdkVersion: _sdk, ...model } = parseJson<InterfaceDefinition>(row.definition, {} as InterfaceDefinition)
  return { ...model, ...summary(row, publicUrl) }
}

export function toPluginSummary(row: PackageRow, publicUrl: string) {
  return { ...summary(row, publicUrl), visibility: row.visibility, lifecycleStatus: 'published' as const }
}

export function toPlugin(row: PackageRow, publicUrl: string): Plugin {
  const { sdkVersion: _sdk, ...model } = parseJson<PluginDefinition>(row.definition, {} as PluginDefinition)
  return { ...model, ...toPluginSummary(row, publicUrl) }
}

export const pluginCode = (row: PackageRow): PluginCode => parseJson<PluginCode>(row.code, { node: '', browser: '' })

/** The owner workspace shown by the hub. */
export type OwnerWorkspace = { id: string; handle: string | null; name: string }

/** Which fields of an integration matched a list's `search` term (the spec's `matchedOn`). */
export function matchedOn(row: PackageRow, search: string | undefined) {
  if (!search) return undefined
  const term = search.toLowerCase()
  const has = (text: string) => text.toLowerCase().includes(term)
  const definition = parseJson<Partial<IntegrationDefinition>>(row.definition, {})
  return {
    name: has(row.name),
    title: has(row.title),
    description: has(row.description),
    actions: Object.keys(definition.actions ?? {}).filter(has),
    interfaces: Object.values(definition.interfaces ?? {})
      .map((i) => i.name)
      .filter(has),
  }
}
