import type { FastifyInstance } from 'fastify'
import type { Services } from '../context.js'
import { ApiError } from '../errors.js'
import { sendError } from '../http/errors.js'

const assets = {
  'icon.svg': { column: 'icon', type: 'image/svg+xml' },
  'readme.md': { column: 'readme', type: 'text/markdown; charset=utf-8' },
} as const

/**
 * Serves the icon and readme of integrations, interfaces and plugins at their `iconUrl` and `readmeUrl`.
 * Like Botpress's CDN links they need no token (a browser loads them in `<img>` tags); the id in the URL
 * is what grants access.
 */
export function assetRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { id: string; asset: string } }>('/assets/hub/:id/:asset', async (request, reply) => {
    const asset = assets[request.params.asset as keyof typeof assets]
    const row = asset
      ? await services.store.db.selectFrom('hubPackages').select(asset.column).where('id', '=', request.params.id).executeTakeFirst()
      : undefined
    const content = row?.[asset!.column as 'icon']
    if (!content) return sendError(reply, new ApiError('ResourceNotFound', `No ${request.params.asset} for ${JSON.stringify(request.params.id)}`))
    return reply.type(asset!.type).header('cache-control', 'public, max-age=300').send(Buffer.from(content, 'base64'))
  })
}
