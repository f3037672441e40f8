import type { Client } from '../clients/public.js'
import type { IntegrationDefinition, IntegrationDefinitionProps } from './definition.js'
import type { IntegrationOperations } from './integration-operations.js'
import { integrationOperationNames, type IntegrationOperationName } from './operation-names.js'
import { integrationRegistry } from './registry.js'
import type { IntegrationShape } from './shapes.js'
import { specificClient, type SpecificClientOptions } from './specific-client.js'

export type IntegrationClientOptions<I extends IntegrationShape> = SpecificClientOptions<IntegrationOperationName, IntegrationDefinition<I>>

/** A `Client` narrowed to one integration's definition: its channels, messages, events, states and tags. */
export type IntegrationSpecificClient<I extends IntegrationShape = IntegrationShape> = IntegrationOperations<I> & { readonly _inner: Client }

export const IntegrationSpecificClient: new <I extends IntegrationShape = IntegrationShape>(
  client: Client,
  options?: IntegrationClientOptions<I>,
) => IntegrationSpecificClient<I> = /* @__PURE__ */ specificClient<IntegrationDefinitionProps>(integrationOperationNames, integrationRegistry) as never
