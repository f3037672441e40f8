import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import swaggerUiPath from 'swagger-ui-dist/absolute-path.js'
import type { Services } from '../context.js'
import { openapiDocument } from './openapi.js'
import { docsPage, docsScript, docsStyle } from './page.js'

export const docsRoutes = { page: '/docs', openapi: '/docs/openapi.json', asset: '/docs/assets/:name' } as const

type Asset = { type: string; body: Buffer; gzipped?: Buffer }

const fromSwaggerUi = (file: string, type: string) => () => ({ type, body: readFileSync(join(swaggerUiPath(), file)) })
const text = (body: string, type: string) => () => ({ type, body: Buffer.from(body) })

/** The files the page loads: Swagger UI's, read from swagger-ui-dist when first asked for, and ours. */
const assetSources: Record<string, () => Asset> = {
  'swagger-ui-bundle.js': fromSwaggerUi('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'),
  'swagger-ui.css': fromSwaggerUi('swagger-ui.css', 'text/css; charset=utf-8'),
  'favicon-32x32.png': fromSwaggerUi('favicon-32x32.png', 'image/png'),
  'docs.js': text(docsScript, 'text/javascript; charset=utf-8'),
  'docs.css': text(docsStyle, 'text/css; charset=utf-8'),
}

const swaggerUiVersion = () => (JSON.parse(readFileSync(join(swaggerUiPath(), 'package.json'), 'utf8')) as { version: string }).version

/** What the page may load: its own origin only, and the API it tries operations against. */
const contentSecurityPolicy = (apiOrigin: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    // Swagger UI sets element styles from script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${apiOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')

const originOf = (url: string) => {
  try {
    return new URL(url).origin
  } catch {
    return "'self'"
  }
}

/** Sends a compressible body gzipped when the client takes gzip (Swagger UI's bundle is 1.7 MB, 0.5 MB gzipped). */
function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply.header('content-type', asset.type).header('vary', 'accept-encoding')
  const accepts = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  if (accepts && !asset.type.startsWith('image/')) {
    asset.gzipped ??= gzipSync(asset.body)
    return reply.header('content-encoding', 'gzip').send(asset.gzipped)
  }
  return reply.send(asset.body)
}

/**
 * `/docs`: an interactive reference of the pinned API (Swagger UI) whose "try it" calls this server, and
 * `/docs/openapi.json`, the OpenAPI document it renders. Public like `/healthz`: the reference holds no data;
 * the operations it tries need a token like any call.
 */
export async function registerDocsRoutes(app: FastifyInstance, services: Services, isAnswered: (operation: string) => boolean): Promise<void> {
  const assets = new Map<string, Asset>()
  let version: string | undefined
  let openapi: { url: string; asset: Asset } | undefined
  const publicUrl = () => services.config.publicUrl ?? ''

  app.get(docsRoutes.page, (request, reply) => {
    version ??= swaggerUiVersion()
    reply.header('content-security-policy', contentSecurityPolicy(originOf(publicUrl()))).header('cache-control', 'no-cache')
    return send(request, reply, { type: 'text/html; charset=utf-8', body: Buffer.from(docsPage(version)) })
  })
  // `/docs/` would resolve the page's relative URLs under `/docs/docs/`.
  app.get(`${docsRoutes.page}/`, (_request, reply) => reply.redirect('../docs'))

  app.get(docsRoutes.openapi, (request, reply) => {
    const url = publicUrl()
    if (openapi?.url !== url) openapi = { url, asset: { type: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(openapiDocument(url, isAnswered))) } }
    reply.header('cache-control', 'no-cache')
    return send(request, reply, openapi.asset)
  })

  app.get<{ Params: { name: string } }>(docsRoutes.asset, (request, reply) => {
    const { name } = request.params
    const source = Object.prototype.hasOwnProperty.call(assetSources, name) ? assetSources[name] : undefined
    if (!source) return reply.callNotFound()
    let asset = assets.get(name)
    if (!asset) assets.set(name, (asset = source()))
    reply.header('cache-control', 'public, max-age=86400')
    return send(request, reply, asset)
  })
}
