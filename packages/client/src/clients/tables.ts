import type { TablesApi } from '@bpkit/spec'
import { tablesRoutes } from '../table.js'
import type { BotClientProps, InputsOf, OperationOf, OutputsOf } from '../types.js'
import { apiClient, type ApiClient, type ApiClientClass } from './base.js'

export type ClientProps = BotClientProps

// Named apart from the other APIs' clients so that bundled declarations keep each namespace's `Client` a value.
/** The tables API of one bot: tables and rows. */
const TablesClient: ApiClientClass<TablesApi.Operations, ClientProps> = apiClient(tablesRoutes)
type TablesClient = ApiClient<TablesApi.Operations>

export { TablesClient as Client }

export type Operation = OperationOf<TablesClient>
export type ClientInputs = InputsOf<TablesClient>
export type ClientOutputs = OutputsOf<TablesClient>
