import type { RequestContext } from '../context.js'
import { invalidPayload } from '../errors.js'
import { parseJson } from '../store/json.js'
import type { IntegrationDefinition, InterfaceDefinition, Plugin } from './models.js'
import { findPackage, usableBy } from './store.js'

/** How a plugin's schemas point at an entity of an interface it depends on (the SDK's reference form). */
const ENTITY_REF = /^interface:([^/]+)\/entities\/(.+)$/

type Schema = Record<string, unknown>

/** `schema` with every entity reference replaced by the schema `entities` resolves it to. */
function resolveRefs(value: unknown, resolve: (alias: string, entity: string) => Schema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, resolve))
  if (!value || typeof value !== 'object') return value
  const ref = (value as Schema).$ref
  const match = typeof ref === 'string' ? ENTITY_REF.exec(ref) : null
  if (match) {
    const resolved = resolve(match[1]!, match[2]!)
    if (resolved) return resolved
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, resolve)]))
}

/**
 * The plugin as a bot that backs each interface dependency with an integration would see it: entity
 * references resolved to the backing integration's entity (or the interface's own when the integration
 * does not extend it).
 */
export async function dereferencePlugin(ctx: RequestContext, plugin: Plugin, backing: Record<string, string>, workspaceId: string): Promise<Plugin> {
  const entities = new Map<string, Schema>()
  for (const alias of Object.keys(backing)) {
    if (!(alias in plugin.dependencies.interfaces)) throw invalidPayload(`"interfaces.${alias}": the plugin depends on no interface with that alias`)
  }
  for (const [alias, dependency] of Object.entries(plugin.dependencies.interfaces)) {
    const integrationId = backing[alias]
    if (!integrationId) throw invalidPayload(`"interfaces.${alias}": name the integration that backs interface ${dependency.name}@${dependency.version}`)
    const integration = await findPackage(ctx.db, 'integration', integrationId)
    if (!integration || !usableBy(integration, workspaceId)) throw invalidPayload(`"interfaces.${alias}": integration "${integrationId}" doesn't exist`)
    const definition = parseJson<IntegrationDefinition>(integration.definition, {} as IntegrationDefinition)
    const implemented = Object.values(definition.interfaces).find((i) => i.id === dependency.id)
    if (!implemented) {
      throw invalidPayload(`"interfaces.${alias}": integration ${integration.name}@${integration.version} does not implement ${dependency.name}@${dependency.version}`)
    }
    const iface = await findPackage(ctx.db, 'interface', dependency.id)
    const interfaceEntities = parseJson<InterfaceDefinition>(iface?.definition, {} as InterfaceDefinition).entities ?? {}
    for (const [entity, own] of Object.entries(interfaceEntities)) {
      const extended = implemented.entities[entity] && definition.entities[implemented.entities[entity].name]
      entities.set(`${alias}/${entity}`, (extended ?? own).schema)
    }
  }
  const resolve = (alias: string, entity: string) => entities.get(`${alias}/${entity}`)
  return {
    ...plugin,
    configuration: resolveRefs(plugin.configuration, resolve) as Plugin['configuration'],
    states: resolveRefs(plugin.states, resolve) as Plugin['states'],
    events: resolveRefs(plugin.events, resolve) as Plugin['events'],
    actions: resolveRefs(plugin.actions, resolve) as Plugin['actions'],
  }
}
