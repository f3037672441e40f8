import type { PublicApi } from '@bpkit/spec'
import { UploadFileError } from './errors.js'
import type { Transport } from './transport.js'
import type { RequestOptions } from './types.js'

export type UploadFileInput = Omit<PublicApi.UpsertFileInput, 'size'> & {
  /** The bytes, as text (sent UTF-8 encoded), a `Uint8Array`/`Buffer`, an `ArrayBuffer` or a `Blob`. */
  content?: ArrayBuffer | Uint8Array | Blob | string
  /** Where to download the bytes from, instead of `content`. */
  url?: string
}
export type UploadFileOutput = PublicApi.UpsertFileResponse

type Upserter = (input: PublicApi.UpsertFileInput, options?: RequestOptions) => PromiseLike<PublicApi.UpsertFileResponse>

const asError = (thrown: unknown) => (thrown instanceof Error ? thrown : new Error(String(thrown)))

function bytesOf(content: NonNullable<UploadFileInput['content']>): { body: BodyInit; size: number } {
  if (typeof content === 'string') {
    const bytes = new TextEncoder().encode(content)
    return { body: bytes, size: bytes.byteLength }
  }
  if (content instanceof ArrayBuffer || ArrayBuffer.isView(content)) return { body: content as BodyInit, size: content.byteLength }
  if (typeof Blob !== 'undefined' && content instanceof Blob) return { body: content, size: content.size }
  throw new UploadFileError('The provided content is not supported')
}

async function download(transport: Transport, url: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  try {
    const res = await transport.fetch(url, { signal })
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim())
    return new Uint8Array(await res.arrayBuffer())
  } catch (thrown) {
    const error = asError(thrown)
    throw new UploadFileError(`Failed to download file from provided URL: ${error.message}`, error)
  }
}

/** `upsertFile` with the computed size, then a PUT of the bytes to the `uploadUrl` it returns. */
export async function uploadFile(
  upsertFile: Upserter,
  transport: Transport,
  { content, url, ...fields }: UploadFileInput,
  options?: RequestOptions,
): Promise<UploadFileOutput> {
  if (url !== undefined && content !== undefined) throw new UploadFileError('Cannot provide both content and URL, please provide only one of them')
  if (url !== undefined) content = await download(transport, url, options?.signal)
  if (content === undefined || content === null) throw new UploadFileError('No content was provided for the file')
  const { body, size } = bytesOf(content)

  const { file } = await upsertFile({ ...fields, size }, options)
  const headers: Record<string, string> = { 'content-type': file.contentType }
  if (fields.publicContentImmediatelyAccessible) headers['x-amz-tagging'] = 'public=true'
  try {
    const res = await transport.fetch(file.uploadUrl, { method: 'PUT', headers, body, signal: options?.signal })
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} ${await res.text().catch(() => '')}`.trim())
  } catch (thrown) {
    const error = asError(thrown)
    throw new UploadFileError(`Failed to upload file: ${error.message}`, error, file)
  }
  return { file: { ...file, size } }
}
