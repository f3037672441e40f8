import publicDocument from './gen/openapi/public.json' with { type: 'json' }

/** An OpenAPI 3.0 document, as far as bpkit reads one. */
export type OpenapiDocument = {
  openapi: string
  info: { title: string; description?: string; version: string }
  servers?: { url: string; description?: string }[]
  paths: Record<string, Record<string, any>>
  components: Record<string, Record<string, any>>
  tags?: { name: string; description?: string }[]
  security?: Record<string, string[]>[]
  [key: string]: unknown
}

/**
 * The public API's OpenAPI document, exported by the pinned `@botpress/api` (`servers` is Botpress Cloud's),
 * with operations grouped by section. Its own entry point, like the schemas, so that the client never loads it.
 */
export const publicOpenapi = publicDocument as unknown as OpenapiDocument
