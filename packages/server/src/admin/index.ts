import type { Section } from '../handlers.js'
import { accountHandlers } from './account.js'
import { botApiKeyHandlers } from './bot-api-keys.js'
import { botHandlers } from './bots.js'
import { workspaceHandlers } from './workspaces.js'

/** Accounts and their tokens, workspaces, bots and bot API keys: what authentication rests on. */
export const adminSection: Section = {
  name: 'admin',
  handlers: { ...accountHandlers, ...workspaceHandlers, ...botHandlers, ...botApiKeyHandlers },
}
