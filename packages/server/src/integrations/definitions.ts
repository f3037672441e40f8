import type { PublicApi } from '@bpkit/spec'
import type { IntegrationDefinition, InterfaceDefinition, PluginDefinition } from './models.js'
import { compact, mergeRecord, replace, withoutNullAttributes, type Patch } from './records.js'

/**
 * Definitions as stored: create inputs with every default the model requires filled in, and update inputs
 * merged into them (maps merge key by key, a null value removes a key; other fields replace).
 */

type CreateIntegration = PublicApi.CreateIntegrationInput
type UpdateIntegration = PublicApi.UpdateIntegrationInput
type Configuration = IntegrationDefinition['configuration']
type ConfigurationInput = NonNullable<CreateIntegration['configuration'] | UpdateIntegration['configuration']>
type Channel = IntegrationDefinition['channels'][string]
type ChannelInput = NonNullable<NonNullable<UpdateIntegration['channels']>[string]>

const mapValues = <T, U>(record: Record<string, T> | undefined, fn: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, fn(v)]))

const noCreation = () => ({ enabled: false, requiredTags: [] as string[] })

/** Null (remove) and undefined (keep) applied to an optional field. */
const patched = <T>(current: T | undefined, patch: T | null | undefined): T | undefined =>
  patch === undefined ? current : (patch ?? undefined)

function mergeConfiguration(current: Configuration | undefined, patch: ConfigurationInput): Configuration {
  return compact({
    title: patch.title ?? current?.title,
    description: patch.description ?? current?.description,
    schema: patch.schema ?? current?.schema ?? {},
    identifier: compact({
      required: patch.identifier?.required ?? current?.identifier.required ?? false,
      linkTemplateScript: patched(current?.identifier.linkTemplateScript, patch.identifier?.linkTemplateScript),
    }),
  })
}

const tagsPatch = <T>(current: Record<string, T> | undefined, patch: Patch<T>) => mergeRecord(current ?? {}, patch, replace)

function mergeChannel(patch: ChannelInput, current: Channel | undefined): Channel {
  return compact({
    title: patch.title ?? current?.title,
    description: patch.description ?? current?.description,
    messages: mergeRecord(current?.messages ?? {}, patch.messages, replace),
    conversation: {
      tags: tagsPatch(current?.conversation.tags, patch.conversation?.tags),
      creation: patch.conversation?.creation ?? current?.conversation.creation ?? noCreation(),
    },
    message: { tags: tagsPatch(current?.message.tags, patch.message?.tags) },
  })
}

const emptyIntegration = (): IntegrationDefinition => ({
  identifier: {},
  interfaces: {},
  configuration: mergeConfiguration(undefined, {}),
  configurations: {},
  channels: {},
  states: {},
  events: {},
  actions: {},
  user: { tags: {}, creation: noCreation() },
  entities: {},
})

/** An integration's definition from its create input (`interfaces` already resolved). */
export function newIntegrationDefinition(input: CreateIntegration, interfaces: IntegrationDefinition['interfaces']): IntegrationDefinition {
  return updatedIntegrationDefinition(emptyIntegration(), input, interfaces)
}

/** An integration's definition with an update (or create) input applied (`interfaces` already merged and resolved). */
export function updatedIntegrationDefinition(
  current: IntegrationDefinition,
  input: Omit<UpdateIntegration, 'id'>,
  interfaces: IntegrationDefinition['interfaces'],
): IntegrationDefinition {
  return compact({
    identifier: compact({
      extractScript: patched(current.identifier.extractScript, input.identifier?.extractScript),
      fallbackHandlerScript: patched(current.identifier.fallbackHandlerScript, input.identifier?.fallbackHandlerScript),
    }),
    interfaces,
    configuration: input.configuration ? mergeConfiguration(current.configuration, input.configuration) : current.configuration,
    configurations: mergeRecord(current.configurations, input.configurations, (patch, existing) => mergeConfiguration(existing, patch)),
    channels: mergeRecord(current.channels, input.channels, mergeChannel),
    states: mergeRecord(current.states, input.states, replace),
    events: mergeRecord(current.events, input.events, withoutNullAttributes) as IntegrationDefinition['events'],
    actions: mergeRecord(current.actions, input.actions, withoutNullAttributes) as IntegrationDefinition['actions'],
    entities: mergeRecord(current.entities, input.entities, replace),
    user: {
      tags: tagsPatch(current.user.tags, input.user?.tags),
      creation: input.user?.creation ?? current.user.creation,
    },
    attributes: input.attributes ? mergeRecord(current.attributes ?? {}, input.attributes, replace) : current.attributes,
    maxExecutionTime: input.maxExecutionTime ?? current.maxExecutionTime,
    extraOperations: input.extraOperations ?? current.extraOperations,
    sdkVersion: input.sdkVersion ?? current.sdkVersion,
    layers: input.layers ?? current.layers,
  })
}

type UpdateInterface = PublicApi.UpdateInterfaceInput

/** An interface's definition with a create or update input applied. */
export function interfaceDefinition(current: InterfaceDefinition | undefined, input: Omit<UpdateInterface, 'id'>): InterfaceDefinition {
  return compact({
    entities: mergeRecord(current?.entities ?? {}, input.entities, replace),
    events: mergeRecord(current?.events ?? {}, input.events, withoutNullAttributes) as InterfaceDefinition['events'],
    actions: mergeRecord(current?.actions ?? {}, input.actions, withoutNullAttributes) as InterfaceDefinition['actions'],
    channels: mergeRecord(current?.channels ?? {}, input.channels, (patch, existing) =>
      compact({
        title: patch.title ?? existing?.title,
        description: patch.description ?? existing?.description,
        messages: mergeRecord(existing?.messages ?? {}, patch.messages, replace),
      }),
    ),
    nameTemplate: patched(current?.nameTemplate, input.nameTemplate),
    attributes: input.attributes ? mergeRecord(current?.attributes ?? {}, input.attributes, replace) : current?.attributes,
    sdkVersion: input.sdkVersion ?? current?.sdkVersion,
  })
}

type UpdatePlugin = PublicApi.UpdatePluginInput

/** A plugin's definition with a create or update input applied (`dependencies` already merged and resolved). */
export function pluginDefinition(
  current: PluginDefinition | undefined,
  input: Omit<UpdatePlugin, 'id' | 'dependencies' | 'code'>,
  dependencies: PluginDefinition['dependencies'],
): PluginDefinition {
  return compact({
    configuration: input.configuration === undefined ? (current?.configuration ?? { schema: {} }) : (input.configuration ?? { schema: {} }),
    states: mergeRecord(current?.states ?? {}, input.states, replace),
    events: mergeRecord(current?.events ?? {}, input.events, withoutNullAttributes) as PluginDefinition['events'],
    actions: mergeRecord(current?.actions ?? {}, input.actions, withoutNullAttributes) as PluginDefinition['actions'],
    dependencies,
    user: { tags: tagsPatch(current?.user.tags, input.user?.tags) },
    conversation: { tags: tagsPatch(current?.conversation.tags, input.conversation?.tags) },
    attributes: input.attributes ? mergeRecord(current?.attributes ?? {}, input.attributes, replace) : current?.attributes,
    sdkVersion: input.sdkVersion ?? current?.sdkVersion,
  })
}

/** What `search` matches: name, title, description, action names and implemented interface names. */
export function keywordsOf(parts: { name: string; title: string; description: string; actions?: object; interfaceNames?: string[] }): string {
  return [parts.name, parts.title, parts.description, ...Object.keys(parts.actions ?? {}), ...(parts.interfaceNames ?? [])]
    .join('\n')
    .toLowerCase()
}

export { mapValues }
