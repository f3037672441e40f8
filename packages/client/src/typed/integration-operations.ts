import type { ChatOperations, In, Method, Out } from './chat-operations.js'
import type { FileOperations } from './bot-operations.js'
import type { IntegrationShape } from './shapes.js'
import type { IntegrationView } from './view.js'

/** Every operation of `IntegrationSpecificClient<I>`, narrowed by the integration's description. */
export interface IntegrationOperations<I extends IntegrationShape> extends ChatOperations<IntegrationView<I>>, FileOperations {
  configureIntegration: Method<In<'configureIntegration'>, Out<'configureIntegration'>>
}
