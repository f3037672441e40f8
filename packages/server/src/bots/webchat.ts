import type { PublicHandlers } from '../handlers.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { ApiError } from '../errors.js'

export const botWebchatHandlers: PublicHandlers = {
  async getBotWebchat({ id }, ctx) {
    await botOfWorkspace(ctx, id)
    throw new ApiError(
      'MethodNotFound',
      'Webchat is a Botpress Cloud service (its scripts and hosted pages come from Botpress\'s CDN); a self-hosted bpkit server does not serve webchat',
    )
  },
}
