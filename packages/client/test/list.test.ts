import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { AsyncCollection, Client, billing, runtime } from '@bpkit/client'
import { sendJson, startLoopback, type Loopback } from './helpers/loopback.js'

/** Ten conversations, served three per page; the page token is the offset. */
const all = Array.from({ length: 10 }, (_, i) => ({ id: `conv_${i}` }))
let server: Loopback
before(async () => {
  server = await startLoopback((req, res) => {
    const start = Number(req.query.get('nextToken') ?? 0)
    const next = start + 3 < all.length ? String(start + 3) : undefined
    if (req.path === '/v1/chat/conversations') return sendJson(res, 200, { conversations: all.slice(start, start + 3), meta: { nextToken: next } })
    if (req.path === '/v2/billing/invoices') return sendJson(res, 200, { invoices: [{ id: 'inv_1' }], meta: {} })
    sendJson(res, 404, {})
  })
})
after(() => server.close())

test('list helpers walk every page with for await, keeping the filters', async () => {
  const client = new Client({ apiUrl: server.url })
  const collection = client.list.conversations({ tags: { team: 'a' } })
  assert.ok(collection instanceof AsyncCollection)
  const ids: string[] = []
  for await (const conversation of collection) ids.push(conversation.id)
  assert.deepEqual(ids, all.map((c) => c.id))
  const lists = server.requests.filter((r) => r.path === '/v1/chat/conversations')
  assert.deepEqual(lists.map((r) => r.query.get('nextToken')), [null, '3', '6', '9'])
  assert.ok(lists.every((r) => r.query.get('tags.team') === 'a'))
})

test('collect() gathers everything, or stops at the limit without fetching further pages', async () => {
  const client = new Client({ apiUrl: server.url })
  assert.equal((await client.list.conversations().collect()).length, 10)
  const before = server.requests.length
  const firstFour = await client.list.conversations().collect({ limit: 4 })
  assert.deepEqual(firstFour.map((c) => c.id), ['conv_0', 'conv_1', 'conv_2', 'conv_3'])
  assert.equal(server.requests.length - before, 2)
})

test('every paged list operation has a helper: the official 25 and more', () => {
  const client = new Client({ apiUrl: server.url })
  const official = [
    'conversations', 'participants', 'events', 'messages', 'users', 'publicIntegrations', 'bots', 'botIssues', 'workspaces',
    'publicWorkspaces', 'workspaceMembers', 'integrations', 'interfaces', 'publicInterfaces', 'plugins', 'publicPlugins',
    'activities', 'files', 'filePassages', 'fileTags', 'fileTagValues', 'knowledgeBases', 'usageActivity', 'usageActivityDaily', 'workflows',
  ]
  const helpers = Object.keys(client.list)
  for (const name of official) assert.ok(helpers.includes(name), name)
  assert.deepEqual(Object.keys(new runtime.Client({ token: 't', botId: 'b' }).list), ['conversations', 'participants', 'events', 'messages', 'users', 'tasks', 'workflows', 'tagValues'])
})

test('sub-clients page the same way', async () => {
  const client = new billing.Client({ apiUrl: server.url, token: 't', workspaceId: 'w' })
  assert.deepEqual(await client.list.invoices().collect(), [{ id: 'inv_1' }])
})
