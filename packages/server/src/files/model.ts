import type { PublicApi } from '@bpkit/spec'
import type { Selectable } from 'kysely'
import { parseJson } from '../store/json.js'
import type { FilesTables } from './tables.js'
import type { FileUrls } from './urls.js'

export type FileRow = Selectable<FilesTables['files']>
export type FileModel = PublicApi.GetFileResponse['file']
export type FileStatus = FileModel['status']
export type AccessPolicy = FileModel['accessPolicies'][number]

/** Statuses of a file whose bytes are stored. */
export const contentStatuses: FileStatus[] = ['upload_completed', 'indexing_pending', 'indexing_completed', 'indexing_failed']

export const hasContent = (row: Pick<FileRow, 'status' | 'blobName'>) => row.blobName !== null && contentStatuses.includes(row.status as FileStatus)

export const accessPoliciesOf = (row: Pick<FileRow, 'accessPolicies'>) => parseJson<AccessPolicy[]>(row.accessPolicies, [])

/** The API's File model for a stored row. PostgreSQL returns bigint columns as text, hence `Number`. */
export function toFile(row: FileRow, urls: FileUrls): FileModel {
  const accessPolicies = accessPoliciesOf(row)
  const ref = { id: row.id, uploadId: row.uploadId, accessPolicies }
  return {
    id: row.id,
    botId: row.botId,
    key: row.key,
    url: urls.content(ref),
    size: row.size === null ? null : Number(row.size),
    contentType: row.contentType,
    tags: parseJson(row.tags, {}),
    metadata: parseJson(row.metadata, {}),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    accessPolicies,
    index: Boolean(row.index),
    status: row.status as FileStatus,
    failedStatusReason: row.failedStatusReason ?? undefined,
    expiresAt: row.expiresAt ?? undefined,
    owner: parseJson<FileModel['owner']>(row.owner, { type: 'bot' }),
  }
}

export const toUploadableFile = (row: FileRow, urls: FileUrls) => ({
  ...toFile(row, urls),
  uploadUrl: urls.upload({ id: row.id, uploadId: row.uploadId, accessPolicies: [] }),
})
