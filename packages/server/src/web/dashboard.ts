import { existsSync, statSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import type { Services } from '../context.js'

/**
 * Paths that belong to the API and the server's own routes: a GET there that matches no route is the API's
 * 404, never the dashboard's page.
 */
const SERVER_PREFIXES = ['/v1/', '/v2/', '/auth/', '/live/', '/webhooks/', '/files/', '/_bpkit/', '/healthz/']

export const isServerPath = (path: string) => SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))

/**
 * The dashboard (WEB-CONTRACT.md "Serving"): its built files from `dashboardDir` at `/`, and `index.html` for
 * any other page path (the single-page app routes itself). A path with a file extension that is not there is
 * a 404, so a missing script is not answered with HTML.
 */
export async function registerDashboard(app: FastifyInstance, services: Services): Promise<void> {
  const root = services.config.dashboardDir
  if (!root || !existsSync(join(root, 'index.html'))) return
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false })
  app.get('/*', async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0]!)
    if (isServerPath(path)) return reply.callNotFound()
    const relative = normalize(path).replace(/^([/\\])+/, '')
    if (relative && !relative.startsWith('..') && !relative.includes(`..${sep}`)) {
      const file = join(root, relative)
      if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
        // Vite's hashed assets never change under one name; everything else is checked again.
        const immutable = relative.startsWith(`assets${sep}`)
        return reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(relative)
      }
    }
    if (extname(path)) return reply.callNotFound()
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html')
  })
}
