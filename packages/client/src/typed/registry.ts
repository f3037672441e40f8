import type { Schema } from './schema.js'
import type { BotDefinitionProps, IntegrationDefinitionProps } from './definition.js'

/** The schemas of a definition by the name code uses them under: what the `validate` mode checks against. */
export type SchemaRegistry = {
  states: Record<string, Schema>
  events: Record<string, Schema>
  /** Several channels may define a message type; a payload is valid when one of them accepts it. */
  messages: Record<string, Schema[]>
  actions: Record<string, { input: Schema; output: Schema }>
  tables: Record<string, Schema>
  workflows: Record<string, { input: Schema; output: Schema }>
}

type Named<T> = Record<string, T> | undefined

const schemas = (defs: Named<{ schema: Schema }>, prefix = ''): Record<string, Schema> =>
  Object.fromEntries(Object.entries(defs ?? {}).map(([name, def]) => [prefix + name, def.schema]))

const inputOutput = (defs: Named<{ input: { schema: Schema }; output: { schema: Schema } }>, prefix = '') =>
  Object.fromEntries(Object.entries(defs ?? {}).map(([name, def]) => [prefix + name, { input: def.input.schema, output: def.output.schema }]))

function addMessages(into: SchemaRegistry['messages'], integration: IntegrationDefinitionProps): void {
  for (const channel of Object.values(integration.channels ?? {})) {
    for (const [type, { schema }] of Object.entries(channel.messages)) (into[type] ??= []).push(schema)
  }
}

export function integrationRegistry(definition: IntegrationDefinitionProps): SchemaRegistry {
  const messages: SchemaRegistry['messages'] = {}
  addMessages(messages, definition)
  return { states: schemas(definition.states), events: schemas(definition.events), messages, actions: {}, tables: {}, workflows: {} }
}

/** A bot's own names as they are, its integrations' events and actions as `<alias>:<name>`. */
export function botRegistry(definition: BotDefinitionProps): SchemaRegistry {
  const registry: SchemaRegistry = {
    states: schemas(definition.states),
    events: schemas(definition.events),
    messages: {},
    actions: inputOutput(definition.actions),
    tables: schemas(definition.tables),
    workflows: inputOutput(definition.workflows),
  }
  for (const [alias, integration] of Object.entries(definition.integrations ?? {})) {
    Object.assign(registry.events, schemas(integration.events, `${alias}:`))
    Object.assign(registry.actions, inputOutput(integration.actions, `${alias}:`))
    addMessages(registry.messages, integration)
  }
  return registry
}
