import type { RuntimeApi } from '@bpkit/spec'
import { runtimeRoutes } from '../table.js'
import type { BotClientProps, InputsOf, OperationOf, OutputsOf } from '../types.js'
import { apiClient, type ApiClient, type ApiClientClass } from './base.js'

export type ClientProps = BotClientProps

// Named apart from the other APIs' clients so that bundled declarations keep each namespace's `Client` a value.
/** The runtime API a bot or an integration calls: conversations, users, messages, events, states, workflows. */
const RuntimeClient: ApiClientClass<RuntimeApi.Operations, ClientProps> = apiClient(runtimeRoutes)
type RuntimeClient = ApiClient<RuntimeApi.Operations>

export { RuntimeClient as Client }

export type Operation = OperationOf<RuntimeClient>
export type ClientInputs = InputsOf<RuntimeClient>
export type ClientOutputs = OutputsOf<RuntimeClient>
