import type { Generated } from 'kysely'

/**
 * Tables of the files section. Files, their passages and tags and the knowledge bases are bot-owned
 * (`botId`, cascading from `bots`); tags, metadata and policies are JSON text.
 */
export interface FilesTables {
  files: {
    id: string
    botId: string
    key: string
    contentType: string
    /** Bytes stored; NULL until an upload completes. */
    size: number | null
    /** The size `upsertFile` announced: what the upload must match, and the sort key of `sortField: size`. */
    declaredSize: number
    tags: string
    metadata: string
    accessPolicies: string
    /** 1 when the file was asked to be indexed (`index: true`), else 0. */
    index: number
    /** JSON: the `indexing.configuration` given to `upsertFile`, or NULL. */
    indexing: string | null
    status: string
    failedStatusReason: string | null
    expiresAt: string | null
    /** JSON: the `owner` of the file model. */
    owner: string
    /** The current upload slot: its signed URL names it, and `upsertFile` replaces it. */
    uploadId: string
    /** 1 once a PUT has claimed the slot: an upload URL works once. */
    uploadUsed: number
    /** The name of the stored bytes under `<dataDir>/files/blobs`, NULL until an upload completes. */
    blobName: string | null
    createdAt: string
    updatedAt: string
  }
  /** One row per tag of a file: what `listFileTags` and `listFileTagValues` read. */
  fileTags: {
    fileId: string
    botId: string
    name: string
    value: string
  }
  filePassages: {
    /** Integer key the full-text index refers to (SQLite FTS5 rowid). */
    seq: Generated<number>
    id: string
    fileId: string
    botId: string
    position: number
    content: string
    /** `title`, `subtitle`, `paragraph`, ... (the passage's `meta.subtype`). */
    subtype: string | null
    pageNumber: number | null
  }
  /** SQLite only: the FTS5 index over `filePassages.content` (rowid = `seq`), kept in step by triggers. */
  filePassagesFts: {
    rowid: number
    content: string
  }
  knowledgeBases: {
    id: string
    botId: string
    name: string
    tags: string
    createdAt: string
    updatedAt: string
  }
  /** Secrets shared by every server process of the store, e.g. the key that signs file URLs. */
  fileSecrets: {
    name: string
    secret: string
    createdAt: string
  }
}
