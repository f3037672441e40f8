import type { Infer, Schema } from './schema.js'
import type { BotStateType, IntegrationStateType } from './shapes.js'

/**
 * A definition with run-time schemas, laid out as the API's bot and integration definitions are (`schema`
 * where the API has a JSON schema). Its plain type is inferred from it (`InferBot`, `InferIntegration`),
 * and the `validate` mode checks payloads against its schemas.
 */

type Tags = Record<string, { title?: string; description?: string }>
type ObjectSchema = Schema<object>
type Schemas = Record<string, { schema: ObjectSchema }>
type Actions = Record<string, { input: { schema: ObjectSchema }; output: { schema: ObjectSchema } }>

export type IntegrationDefinitionProps = {
  actions?: Actions
  channels?: Record<string, { messages: Schemas; conversation?: { tags?: Tags }; message?: { tags?: Tags } }>
  events?: Schemas
  states?: Record<string, { type: IntegrationStateType; schema: ObjectSchema }>
  entities?: Schemas
  user?: { tags?: Tags }
}

export type BotDefinitionProps = {
  states?: Record<string, { type: BotStateType; schema: ObjectSchema }>
  events?: Schemas
  actions?: Actions
  user?: { tags?: Tags }
  conversation?: { tags?: Tags }
  message?: { tags?: Tags }
  tables?: Schemas
  workflows?: Record<string, { input: { schema: ObjectSchema }; output: { schema: ObjectSchema } }>
  integrations?: Record<string, IntegrationDefinitionProps>
}

declare const botType: unique symbol
declare const integrationType: unique symbol

/** Carries a definition's inferred plain type, so a client made from it needs no type argument. */
type BotTyped<TBot> = { readonly [botType]?: TBot }
type IntegrationTyped<TIntegration> = { readonly [integrationType]?: TIntegration }
export type BotDefinition<TBot = unknown> = BotDefinitionProps & BotTyped<TBot>
export type IntegrationDefinition<TIntegration = unknown> = IntegrationDefinitionProps & IntegrationTyped<TIntegration>

type Field<T, K extends PropertyKey> = K extends keyof T ? NonNullable<T[K]> : {}
type Cast<T, C> = T extends C ? T : C
type SchemaTypes<M> = { [K in keyof M]: M[K] extends { schema: infer S } ? Infer<S> : never }
type ActionTypes<M> = { [K in keyof M]: M[K] extends { input: { schema: infer I }; output: { schema: infer O } } ? { input: Infer<I>; output: Infer<O> } : never }
type StateTypes<M> = { [K in keyof M]: M[K] extends { type: infer T; schema: infer S } ? { type: T; payload: Infer<S> } : never }
type TagNames<T> = keyof Field<T, 'tags'> & string

export type InferIntegration<D extends IntegrationDefinitionProps> = {
  actions: ActionTypes<Field<D, 'actions'>>
  channels: {
    [C in keyof Field<D, 'channels'>]: {
      messages: SchemaTypes<Field<Field<D, 'channels'>[C], 'messages'>>
      tags: { conversation: TagNames<Field<Field<D, 'channels'>[C], 'conversation'>>; message: TagNames<Field<Field<D, 'channels'>[C], 'message'>> }
    }
  }
  events: SchemaTypes<Field<D, 'events'>>
  states: StateTypes<Field<D, 'states'>>
  entities: SchemaTypes<Field<D, 'entities'>>
  tags: { user: TagNames<Field<D, 'user'>> }
}

export type InferBot<D extends BotDefinitionProps> = {
  states: StateTypes<Field<D, 'states'>>
  events: SchemaTypes<Field<D, 'events'>>
  actions: ActionTypes<Field<D, 'actions'>>
  tags: { user: TagNames<Field<D, 'user'>>; conversation: TagNames<Field<D, 'conversation'>>; message: TagNames<Field<D, 'message'>> }
  tables: SchemaTypes<Field<D, 'tables'>>
  workflows: ActionTypes<Field<D, 'workflows'>>
  integrations: { [A in keyof Field<D, 'integrations'>]: InferIntegration<Cast<Field<D, 'integrations'>[A], IntegrationDefinitionProps>> }
}

/** Marks a bot definition with zod schemas; `InferBot<typeof definition>` is its plain type. */
export function defineBot<const D extends BotDefinitionProps>(definition: D): D & BotTyped<InferBot<D>> {
  return definition
}

/** Marks an integration definition with zod schemas; `InferIntegration<typeof definition>` is its plain type. */
export function defineIntegration<const D extends IntegrationDefinitionProps>(definition: D): D & IntegrationTyped<InferIntegration<D>> {
  return definition
}
