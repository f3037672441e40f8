import type { PublicApi } from '@bpkit/spec'
import { publicRoutes } from '../table.js'
import { uploadFile, type UploadFileInput, type UploadFileOutput } from '../upload.js'
import type { CommonClientProps, InputsOf, OperationOf, OutputsOf, RequestOptions } from '../types.js'
import { apiClient, transportOf } from './base.js'

export type ClientProps = CommonClientProps & {
  integrationId?: string
  integrationAlias?: string
  workspaceId?: string
  botId?: string
  token?: string
}

/** The whole public API: every operation, the `list` helpers and `uploadFile`. */
export class Client extends apiClient<PublicApi.Operations, ClientProps>(publicRoutes) {
  /** Creates or updates a file and uploads its bytes in one step. */
  uploadFile(input: UploadFileInput, options?: RequestOptions): Promise<UploadFileOutput> {
    return uploadFile((i, o) => this.upsertFile(i, o), this[transportOf], input, options)
  }
}

export type Operation = OperationOf<Client>
export type ClientInputs = InputsOf<Client>
export type ClientOutputs = OutputsOf<Client>
