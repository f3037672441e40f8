import type { FilesApi } from '@bpkit/spec'
import { filesRoutes } from '../table.js'
import { uploadFile, type UploadFileInput, type UploadFileOutput } from '../upload.js'
import type { BotClientProps, InputsOf, OperationOf, OutputsOf, RequestOptions } from '../types.js'
import { apiClient, transportOf } from './base.js'

export type ClientProps = BotClientProps

/** The files API of one bot (files, passages, tags, knowledge bases), with `uploadFile`. */
class FilesClient extends apiClient<FilesApi.Operations, ClientProps>(filesRoutes) {
  /** Creates or updates a file and uploads its bytes in one step. */
  uploadFile(input: UploadFileInput, options?: RequestOptions): Promise<UploadFileOutput> {
    return uploadFile((i, o) => this.upsertFile(i, o), this[transportOf], input, options)
  }
}

export { FilesClient as Client }

export type Operation = OperationOf<FilesClient>
export type ClientInputs = InputsOf<FilesClient>
export type ClientOutputs = OutputsOf<FilesClient>
