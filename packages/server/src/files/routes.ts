import type { FastifyInstance } from 'fastify'
import type { Services } from '../context.js'
import { notFound } from '../errors.js'
import { sendPublicContent, sendSignedContent } from './download-route.js'
import { receiveUpload } from './upload-route.js'
import { fileRoutes } from './urls.js'

const MAX_ID_LENGTH = 200

/**
 * The routes behind the URLs the files section hands out. They are authenticated by their signature, not a
 * bearer token, and live in their own plugin so that their raw-body handling leaves the JSON API untouched.
 */
export async function registerFileRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    // A file id no store could hold (a NUL, which PostgreSQL refuses in text; or past any id's length) names no file.
    scope.addHook('preHandler', async (request) => {
      const { fileId } = request.params as { fileId: string }
      if (fileId.includes('\u0000') || fileId.length > MAX_ID_LENGTH) throw notFound('File', fileId.length > 60 ? `${fileId.slice(0, 57)}...` : fileId)
    })
    scope.removeAllContentTypeParsers()
    // Leave the body unread: the upload handler streams it to disk itself.
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null))
    scope.put(fileRoutes.upload, (request, reply) => receiveUpload(services, request, reply))
    scope.route({ method: ['GET', 'HEAD'], url: fileRoutes.download, handler: (request, reply) => sendSignedContent(services, request, reply) })
    scope.route({ method: ['GET', 'HEAD'], url: fileRoutes.public, handler: (request, reply) => sendPublicContent(services, request, reply) })
  })
}
