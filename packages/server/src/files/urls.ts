import type { Services } from '../context.js'
import { sign, signingKey, type UrlGrant } from './signing.js'

/** How long a signed upload or download URL works. */
export const UPLOAD_URL_TTL_SECONDS = 60 * 60
export const DOWNLOAD_URL_TTL_SECONDS = 60 * 60

/** The routes, outside `/v1`, that the URLs handed out by the files section point to. */
export const fileRoutes = {
  upload: '/files/upload/:fileId',
  download: '/files/download/:fileId',
  public: '/files/public/:fileId',
} as const

type FileRef = { id: string; uploadId: string; accessPolicies: string[] }

export type FileUrls = {
  upload(file: FileRef): string
  /** The permanent public URL for `public_content` files, else a signed, expiring download URL. */
  content(file: FileRef): string
}

/** URL builders bound to this server's public URL, signing key and clock. */
export async function fileUrls(services: Services): Promise<FileUrls> {
  const key = await signingKey(services.store)
  const base = services.config.publicUrl ?? `http://${services.config.host}:${services.config.port}`
  const nowSeconds = Math.floor(services.clock.now().getTime() / 1000)
  const signed = (action: UrlGrant['action'], file: FileRef, ttl: number) => {
    const grant: UrlGrant = { action, fileId: file.id, version: file.uploadId, expires: nowSeconds + ttl }
    const query = new URLSearchParams({ version: grant.version, expires: String(grant.expires), signature: sign(key, grant) })
    return `${base}${fileRoutes[action].replace(':fileId', encodeURIComponent(file.id))}?${query}`
  }
  return {
    upload: (file) => signed('upload', file, UPLOAD_URL_TTL_SECONDS),
    content: (file) =>
      file.accessPolicies.includes('public_content')
        ? `${base}${fileRoutes.public.replace(':fileId', encodeURIComponent(file.id))}`
        : signed('download', file, DOWNLOAD_URL_TTL_SECONDS),
  }
}
