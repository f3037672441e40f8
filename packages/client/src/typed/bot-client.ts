import type { Client } from '../clients/public.js'
import type { BotOperations } from './bot-operations.js'
import type { BotDefinition, BotDefinitionProps } from './definition.js'
import { botOperationNames, type BotOperationName } from './operation-names.js'
import { botRegistry } from './registry.js'
import type { BotShape } from './shapes.js'
import { specificClient, type SpecificClientOptions } from './specific-client.js'

export type BotClientOptions<B extends BotShape> = SpecificClientOptions<BotOperationName, BotDefinition<B>>

/** A `Client` narrowed to one bot's definition: its states, events, tags, tables, workflows and installed integrations. */
export type BotSpecificClient<B extends BotShape = BotShape> = BotOperations<B> & { readonly _inner: Client }

export const BotSpecificClient: new <B extends BotShape = BotShape>(client: Client, options?: BotClientOptions<B>) => BotSpecificClient<B> =
  /* @__PURE__ */ specificClient<BotDefinitionProps>(botOperationNames, botRegistry) as never
