import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Services } from './context.js'
import { newAccountId, newId } from './ids.js'
import { generateToken, hashToken } from './auth/tokens.js'
import { newBotRow } from './admin/bot-model.js'
import { insertBotUser } from './runtime/bot-user.js'
import { webhookBaseUrl } from './runtime/webhook-ids.js'

/** What a client needs to reach the server as its first account: the `BP_*` environment of `bpkit env`. */
export type Credentials = {
  apiUrl: string
  token: string
  workspaceId: string
  botId: string
  /** The workspace's handle: deployed integrations are named `<handle>/<name>`. Absent in files written before handles. */
  workspaceHandle?: string
}

export const ADMIN_EMAIL = 'admin@bpkit.local'

export const credentialsPath = (dataDir: string) => join(dataDir, 'credentials.json')

export function readCredentials(dataDir: string): Credentials | undefined {
  try {
    return JSON.parse(readFileSync(credentialsPath(dataDir), 'utf8')) as Credentials
  } catch {
    return undefined
  }
}

/** The credentials file is readable by its owner only: it holds a token. */
export function writeCredentials(dataDir: string, credentials: Credentials): void {
  mkdirSync(dataDir, { recursive: true })
  const path = credentialsPath(dataDir)
  writeFileSync(path, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 })
  chmodSync(path, 0o600)
}

export const exportLines = (c: Credentials) =>
  [
    `export BP_API_URL=${c.apiUrl}`,
    `export BP_TOKEN=${c.token}`,
    `export BP_WORKSPACE_ID=${c.workspaceId}`,
    `export BP_BOT_ID=${c.botId}`,
    ...(c.workspaceHandle ? [`export BP_WORKSPACE_HANDLE=${c.workspaceHandle}`] : []),
    // Where integrations' webhooks land: `$BP_WEBHOOK_URL/<webhookId>`.
    `export BP_WEBHOOK_URL=${webhookBaseUrl(c.apiUrl)}`,
  ].join('\n')

/**
 * On first start with an empty store: one account, one workspace, one bot and one personal access token.
 * Later starts reuse them; a BPKIT_ADMIN_TOKEN unknown to the store is added to the first account.
 * Returns the credentials, with `created` true when this start made them.
 */
export async function bootstrap(services: Services, apiUrl: string): Promise<{ credentials: Credentials; created: boolean }> {
  const { store, config } = services
  const existing = await store.db.selectFrom('accounts').select('id').where('email', '=', ADMIN_EMAIL).executeTakeFirst()
  if (existing) return { credentials: await reuse(services, existing.id, apiUrl), created: false }

  const token = config.adminToken ?? generateToken('pat')
  const now = services.clock.now().toISOString()
  const ids = { account: newAccountId(), workspace: newId('workspace'), bot: newId('bot') }
  await store.transaction(async (trx) => {
    await trx.insertInto('accounts').values({ id: ids.account, email: ADMIN_EMAIL, displayName: 'Admin', profilePicture: null, createdAt: now, updatedAt: now }).execute()
    await trx.insertInto('workspaces').values({ id: ids.workspace, name: 'Default workspace', handle: config.workspaceHandle, ownerId: ids.account, data: '{}', createdAt: now, updatedAt: now }).execute()
    await trx.insertInto('workspaceMembers').values({ id: newId('member'), workspaceId: ids.workspace, accountId: ids.account, role: 'owner', createdAt: now, updatedAt: now }).execute()
    await trx.insertInto('bots').values(newBotRow({ name: 'Default bot' }, { id: ids.bot, workspaceId: ids.workspace, createdBy: ids.account }, now)).execute()
    await insertBotUser(trx, ids.bot, now)
    await trx.insertInto('tokens').values({ id: newId('token'), kind: 'pat', hash: hashToken(token), accountId: ids.account, workspaceId: null, botId: null, integrationId: null, note: 'bpkit admin token', createdAt: now }).execute()
  })
  const credentials = { apiUrl, token, workspaceId: ids.workspace, botId: ids.bot, workspaceHandle: config.workspaceHandle }
  writeCredentials(config.dataDir, credentials)
  return { credentials, created: true }
}

async function reuse(services: Services, accountId: string, apiUrl: string): Promise<Credentials> {
  const { store, config } = services
  const saved = readCredentials(config.dataDir)
  const token = config.adminToken ?? saved?.token ?? ''
  if (config.adminToken) {
    const hash = hashToken(config.adminToken)
    const known = await store.db.selectFrom('tokens').select('id').where('hash', '=', hash).executeTakeFirst()
    if (!known) {
      await store.db.insertInto('tokens').values({ id: newId('token'), kind: 'pat', hash, accountId, workspaceId: null, botId: null, integrationId: null, note: 'bpkit admin token', createdAt: services.clock.now().toISOString() }).execute()
    }
  }
  const workspace = await store.db.selectFrom('workspaceMembers').select('workspaceId').where('accountId', '=', accountId).orderBy('createdAt').executeTakeFirst()
  const workspaceHandle = workspace ? await ensureHandle(services, workspace.workspaceId) : undefined
  const bot = workspace
    ? await store.db.selectFrom('bots').select('id').where('workspaceId', '=', workspace.workspaceId).orderBy('createdAt').executeTakeFirst()
    : undefined
  const credentials = { apiUrl, token, workspaceId: workspace?.workspaceId ?? saved?.workspaceId ?? '', botId: bot?.id ?? saved?.botId ?? '', workspaceHandle }
  if (token) writeCredentials(config.dataDir, credentials)
  return credentials
}

/**
 * A store made before workspaces had handles: its first workspace gets the configured one, unless another
 * workspace holds it already (then it stays without, and `bp deploy` of an integration asks for one).
 */
async function ensureHandle(services: Services, workspaceId: string): Promise<string | undefined> {
  const { store, config } = services
  const row = await store.db.selectFrom('workspaces').select('handle').where('id', '=', workspaceId).executeTakeFirst()
  if (!row) return undefined
  if (row.handle) return row.handle
  const taken = await store.db.selectFrom('workspaces').select('id').where('handle', '=', config.workspaceHandle).executeTakeFirst()
  if (taken) return undefined
  try {
    await store.db
      .updateTable('workspaces')
      .set({ handle: config.workspaceHandle, updatedAt: services.clock.now().toISOString() })
      .where('id', '=', workspaceId)
      .where('handle', 'is', null)
      .execute()
  } catch {
    // Another process gave it a handle, or took this one, between the read and the write: read again below.
  }
  const after = await store.db.selectFrom('workspaces').select('handle').where('id', '=', workspaceId).executeTakeFirst()
  return after?.handle ?? undefined
}
