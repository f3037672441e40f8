/**
 * Helpers of the integrations, interfaces and plugins tests: bots that install definitions (written straight
 * into `bots.data`, the shape the admin section stores), and small valid definitions.
 */
import type { TestServer } from '@bpkit/server'
import { newId } from '../src/ids.js'

let counter = 0
/** A name no other test of the run uses. */
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`

/** A bot of `workspaceId` whose definition installs these integrations (alias → id) and plugins (alias → id). */
export async function insertBotInstalling(
  server: TestServer,
  workspaceId: string,
  installs: { integrations?: Record<string, string>; plugins?: Record<string, string> },
): Promise<string> {
  const id = newId('bot')
  const now = new Date().toISOString()
  const integrations = Object.fromEntries(Object.entries(installs.integrations ?? {}).map(([alias, integrationId]) => [alias, { id: integrationId, enabled: true, configuration: {} }]))
  const plugins = Object.fromEntries(Object.entries(installs.plugins ?? {}).map(([alias, pluginId]) => [alias, { id: pluginId, enabled: true, configuration: {} }]))
  await server.server.store.db
    .insertInto('bots')
    .values({ id, workspaceId, name: `installer-${id.slice(-6).toLowerCase()}`, data: JSON.stringify({ integrations, plugins }), createdAt: now, updatedAt: now })
    .execute()
  return id
}

export const objectSchema = (properties: Record<string, object> = {}) => ({ type: 'object', properties })

/** An SVG icon and a readme, base64 as the API takes them. */
export const icon = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')
export const readme = Buffer.from('# Hello\n').toString('base64')
