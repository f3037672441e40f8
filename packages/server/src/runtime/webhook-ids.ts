import { randomBytes } from 'node:crypto'

/** An installation's webhook id: random, so that its URL cannot be guessed from the bot's or integration's id. */
export const newWebhookId = () => randomBytes(16).toString('hex')

/** Where an installation's webhook lands: `<public url>/webhooks/<webhookId>`; `BP_WEBHOOK_URL` is its base. */
export const webhookBaseUrl = (publicUrl: string) => `${publicUrl}/webhooks`
export const webhookUrlOf = (publicUrl: string, webhookId: string) => `${webhookBaseUrl(publicUrl)}/${webhookId}`
