import type { BillingApi } from '@bpkit/spec'
import { billingRoutes } from '../table.js'
import type { CommonClientProps, InputsOf, OperationOf, OutputsOf } from '../types.js'
import { apiClient, type ApiClient, type ApiClientClass } from './base.js'

export type ClientProps = CommonClientProps & { token: string; workspaceId: string }

// Named apart from the other APIs' clients so that bundled declarations keep each namespace's `Client` a value.
/** The billing API of one workspace. */
const BillingClient: ApiClientClass<BillingApi.Operations, ClientProps> = apiClient(billingRoutes)
type BillingClient = ApiClient<BillingApi.Operations>

export { BillingClient as Client }

export type Operation = OperationOf<BillingClient>
export type ClientInputs = InputsOf<BillingClient>
export type ClientOutputs = OutputsOf<BillingClient>
