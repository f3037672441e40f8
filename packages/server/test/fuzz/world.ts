/**
 * The world the fuzzer attacks: two workspaces, four bots with a few records each, and the principals that
 * call the API (a personal token, a bot key, an integration key, nobody, and a stranger's token). Each
 * principal comes with the ids it must never see in an answer unless its own request named them.
 */
import type { TestServer } from '@bpkit/server'
import { Client } from '@bpkit/client'
import { createOtherAccount } from '../admin-support.js'

export type Principal = {
  name: 'pat' | 'bak' | 'iak' | 'none' | 'foreign'
  token?: string
  /** Header sets the principal sends: its own scope, and scopes it must not reach. */
  headerSets: Record<string, string>[]
  /** Ids that must not appear in an answer to this principal unless the request itself named them. */
  secrets: string[]
  /** Ids and names of the principal's own records, by field name: tried more often than the world's. */
  pools?: Record<string, string[]>
  /** Every id the principal owns (its workspaces and bots): destructive operations never aim at them. */
  owns: string[]
}

/** What one bot holds: ids of its records and the names of its tables. */
export type BotRecords = { botId: string; ids: string[]; tables: string[]; fileKeys: string[]; conversations: string[]; users: string[] }

export type World = {
  principals: Principal[]
  /** Ids and names worth putting in requests, by field name (every principal tries every one). */
  pools: Record<string, string[]>
}

/** Field name → values worth trying, from these bots' records. */
function poolsOf(records: BotRecords[], ids: string[], extra: Record<string, string[]>): Record<string, string[]> {
  const tables = records.flatMap((r) => r.tables)
  const keys = records.flatMap((r) => r.fileKeys)
  return {
    id: [...records.flatMap((r) => r.ids), ...ids],
    botId: records.map((r) => r.botId),
    targetWorkspaceId: extra.workspaceId ?? [],
    conversationId: records.flatMap((r) => r.conversations),
    userId: records.flatMap((r) => r.users),
    table: tables,
    sourceTableId: tables,
    key: keys,
    idOrKey: keys,
    ...extra,
  }
}

async function seedBot(client: Client, botId: string, tag: string): Promise<BotRecords> {
  const ids: string[] = [botId]
  const { user } = await client.createUser({ tags: { fuzz: tag }, name: `user ${tag}` })
  const { conversation } = await client.createConversation({ channel: 'fuzz', tags: { fuzz: tag } })
  const { message } = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: `hello ${tag}` }, tags: {} })
  const { event } = await client.createEvent({ type: 'fuzz', payload: { tag }, conversationId: conversation.id })
  const { task } = await client.createTask({ type: 'fuzz', conversationId: conversation.id, title: `task ${tag}` })
  const { workflow } = await client.createWorkflow({ name: `wf${tag}`, status: 'pending', conversationId: conversation.id })
  const { table } = await client.createTable({ name: `fuzz${tag}Table`, schema: { type: 'object', properties: { name: { type: 'string' }, n: { type: 'number' } } } })
  await client.createTableRows({ table: table.name, rows: [{ name: `row ${tag}`, n: 1 }] })
  const { file } = await client.upsertFile({ key: `fuzz-${tag}.txt`, size: 5, tags: { fuzz: tag } })
  const { knowledgeBase } = await client.createKnowledgeBase({ name: `kb ${tag}`, tags: {} })
  await client.setState({ type: 'bot', id: botId, name: 'fuzzState', payload: { tag } })
  ids.push(user.id, conversation.id, message.id, event.id, task.id, workflow.id, table.id, file.id, knowledgeBase.id)
  return { botId, ids, tables: [table.name], fileKeys: [file.key], conversations: [conversation.id], users: [user.id] }
}

const clientOf = (server: TestServer, token: string, workspaceId: string, botId?: string) =>
  new Client({ apiUrl: server.url, token, workspaceId, botId, retry: false })

export async function buildWorld(server: TestServer): Promise<World> {
  const admin = clientOf(server, server.token, server.workspaceId)
  const { account } = await admin.getAccount({})
  const { bot: sibling } = await admin.createBot({ name: 'fuzz sibling' })
  const { integration } = await admin.createIntegration({ name: 'fuzz-integration', version: '0.1.0' })
  const installer = (await admin.createBot({ name: 'fuzz installer' })).bot.id
  await admin.updateBot({ id: installer, integrations: { fuzz: { integrationId: integration.id, enabled: true } } })
  const bak = await admin.createBotApiKey({ botId: server.botId, note: 'fuzz' })
  const iak = await admin.createIntegrationApiKey({ integrationId: integration.id, note: 'fuzz' })
  const stranger = await createOtherAccount(server)

  const home = await seedBot(clientOf(server, server.token, server.workspaceId, server.botId), server.botId, 'home')
  const siblingRecords = await seedBot(clientOf(server, server.token, server.workspaceId, sibling.id), sibling.id, 'sibling')
  const installerRecords = await seedBot(clientOf(server, server.token, server.workspaceId, installer), installer, 'installer')
  const foreign = await seedBot(clientOf(server, stranger.token, stranger.workspaceId, stranger.botId), stranger.botId, 'foreign')

  const homeWorkspace = [server.workspaceId, account.id, account.email, integration.id, bak.id, iak.id]
  const strangerWorkspace = [stranger.workspaceId, stranger.accountId]
  const all = (...sets: BotRecords[]) => sets.flatMap((s) => s.ids)
  const homeWorld = [...all(home, siblingRecords, installerRecords), ...homeWorkspace]
  const strangerWorld = [...all(foreign), ...strangerWorkspace]
  const own = { 'x-workspace-id': server.workspaceId, 'x-bot-id': server.botId }
  const principals: Principal[] = [
    { name: 'pat', token: server.token, owns: homeWorld, headerSets: [own, { 'x-workspace-id': server.workspaceId, 'x-bot-id': sibling.id }, { 'x-workspace-id': stranger.workspaceId, 'x-bot-id': stranger.botId }], secrets: [...all(foreign), ...strangerWorkspace] },
    { name: 'bak', token: bak.value, owns: homeWorld, headerSets: [{ 'x-bot-id': server.botId }, {}, { 'x-bot-id': sibling.id }, { 'x-workspace-id': stranger.workspaceId }], secrets: [...all(siblingRecords, installerRecords, foreign), ...strangerWorkspace, account.email, iak.id] },
    {
      name: 'iak',
      token: iak.value,
      owns: homeWorld,
      headerSets: [{ 'x-bot-id': installer, 'x-integration-id': integration.id }, { 'x-bot-id': server.botId, 'x-integration-id': integration.id }, { 'x-bot-id': stranger.botId }],
      secrets: [...all(home, siblingRecords, foreign), ...strangerWorkspace, account.email, bak.id],
    },
    { name: 'none', owns: [], headerSets: [own, {}], secrets: [...all(home, siblingRecords, installerRecords, foreign), ...homeWorkspace.filter((id) => id !== server.workspaceId), ...strangerWorkspace] },
    {
      name: 'foreign',
      token: stranger.token,
      owns: strangerWorld,
      headerSets: [{ 'x-workspace-id': stranger.workspaceId, 'x-bot-id': stranger.botId }, own, { 'x-workspace-id': stranger.workspaceId, 'x-bot-id': server.botId }],
      secrets: [...all(home, siblingRecords, installerRecords), ...homeWorkspace],
    },
  ]
  const records = [home, siblingRecords, installerRecords, foreign]
  const extra = { workspaceId: [server.workspaceId, stranger.workspaceId], integrationId: [integration.id], name: ['fuzzState', 'fuzz-integration'] }
  const pools = poolsOf(records, [server.workspaceId, stranger.workspaceId, integration.id], extra)
  const ownOf = (r: BotRecords, workspaceId: string) => poolsOf([r], [workspaceId], { workspaceId: [workspaceId], name: ['fuzzState'] })
  const ownPools: Record<Principal['name'], Record<string, string[]>> = {
    pat: ownOf(home, server.workspaceId),
    bak: ownOf(home, server.workspaceId),
    iak: ownOf(installerRecords, server.workspaceId),
    none: ownOf(home, server.workspaceId),
    foreign: ownOf(foreign, stranger.workspaceId),
  }
  for (const principal of principals) principal.pools = ownPools[principal.name]
  return { principals, pools }
}
