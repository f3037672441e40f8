import type { AdminApi } from '@bpkit/spec'
import { adminRoutes } from '../table.js'
import type { CommonClientProps, InputsOf, OperationOf, OutputsOf } from '../types.js'
import { apiClient, type ApiClient, type ApiClientClass } from './base.js'

export type ClientProps = CommonClientProps & { token: string; workspaceId?: string }

// Named apart from the other APIs' clients so that bundled declarations keep each namespace's `Client` a value.
/** The admin API: workspaces, bots, integrations, interfaces, plugins, members, usage. */
const AdminClient: ApiClientClass<AdminApi.Operations, ClientProps> = apiClient(adminRoutes)
type AdminClient = ApiClient<AdminApi.Operations>

export { AdminClient as Client }

export type Operation = OperationOf<AdminClient>
export type ClientInputs = InputsOf<AdminClient>
export type ClientOutputs = OutputsOf<AdminClient>
