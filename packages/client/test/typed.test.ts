/** The typed clients against a real server: round trips, hooks and the validate mode. */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import { startTestServer, type TestServer } from '@bpkit/server'
import { Client, isApiError } from '@bpkit/client'
import { BotSpecificClient, IntegrationSpecificClient, PayloadValidationError, defineBot, defineIntegration, type InferBot } from '@bpkit/client/typed'

const item = z.object({ sku: z.string(), qty: z.number().int() })
const shop = defineBot({
  states: { cart: { type: 'conversation', schema: z.object({ items: z.array(item) }) } },
  events: { orderPlaced: { schema: z.object({ orderId: z.string(), total: z.number() }) } },
  user: { tags: { plan: {} } },
  conversation: { tags: { topic: {} } },
  integrations: {
    webchat: {
      actions: { notify: { input: { schema: z.object({ to: z.string() }) }, output: { schema: z.object({ sent: z.boolean() }) } } },
      channels: { channel: { messages: { text: { schema: z.object({ text: z.string() }) } } } },
    },
  },
})

let server: TestServer
let client: Client
before(async () => {
  server = await startTestServer()
  client = new Client({ apiUrl: server.url, token: server.token, botId: server.botId, workspaceId: server.workspaceId })
})
after(() => server.close())

const shopClient = (options: { validate?: boolean } = {}) => new BotSpecificClient(client, { definition: shop, ...options })

let topics = 0
async function conversationOf(bot: BotSpecificClient<InferBot<typeof shop>>) {
  const { conversation } = await bot.getOrCreateConversation({ integrationName: 'webchat', channel: 'channel', tags: { topic: `topic-${++topics}` } })
  return conversation
}

test('states are set and read back with their typed payload', async () => {
  const bot = shopClient({ validate: true })
  const conversation = await conversationOf(bot)
  assert.equal(conversation.channel, 'channel')
  assert.equal(conversation.integration, 'webchat')
  const items = [{ sku: 'shoe', qty: 2 }]
  await bot.setState({ type: 'conversation', id: conversation.id, name: 'cart', payload: { items } })
  const { state } = await bot.getState({ type: 'conversation', id: conversation.id, name: 'cart' })
  assert.deepEqual(state.payload.items, items)

  const patched = await bot.patchState({ type: 'conversation', id: conversation.id, name: 'cart', payload: { items: [] } })
  assert.deepEqual(patched.state.payload, { items: [] })
})

test('events are created and listed by type', async () => {
  const bot = shopClient({ validate: true })
  const conversation = await conversationOf(bot)
  const { event } = await bot.createEvent({ type: 'orderPlaced', payload: { orderId: 'o-1', total: 42 }, conversationId: conversation.id })
  assert.equal(event.payload.total, 42)
  const read = await bot.getEvent({ id: event.id })
  assert.deepEqual(read.event.payload, { orderId: 'o-1', total: 42 })
  const { events } = await bot.listEvents({ type: 'orderPlaced', conversationId: conversation.id })
  assert.deepEqual(
    events.map((e) => e.payload.orderId),
    ['o-1'],
  )
})

test('users and messages carry their typed tags and payloads', async () => {
  const bot = shopClient({ validate: true })
  const conversation = await conversationOf(bot)
  const { user } = await bot.getOrCreateUser({ tags: { plan: 'pro' }, discriminateByTags: ['plan'] })
  assert.equal(user.tags.plan, 'pro')
  const { message } = await bot.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'hello' }, tags: {} })
  assert.equal(message.payload.text, 'hello')
  const { messages } = await bot.listMessages({ conversationId: conversation.id })
  assert.deepEqual(
    messages.map((m) => m.payload),
    [{ text: 'hello' }],
  )
})

test('before hooks change what is sent and after hooks what is returned', async () => {
  const bot = new BotSpecificClient(client, {
    definition: shop,
    hooks: {
      before: { setState: (input) => ({ ...input, payload: { items: [...(input.payload?.items ?? []), { sku: 'gift', qty: 1 }] } }) },
      after: { getState: async (output, input) => ({ ...output, state: { ...output.state, payload: { ...output.state.payload, readAs: input.name } } }) },
    },
  })
  const conversation = await conversationOf(bot)
  await bot.setState({ type: 'conversation', id: conversation.id, name: 'cart', payload: { items: [{ sku: 'shoe', qty: 1 }] } })

  const stored = await client.getState({ type: 'conversation', id: conversation.id, name: 'cart' })
  assert.deepEqual(stored.state.payload, { items: [{ sku: 'shoe', qty: 1 }, { sku: 'gift', qty: 1 }] })
  const { state } = await bot.getState({ type: 'conversation', id: conversation.id, name: 'cart' })
  assert.equal((state.payload as Record<string, unknown>).readAs, 'cart')
})

test('callAction sends the aliased action and its input', async () => {
  const sent: unknown[] = []
  const bot = new BotSpecificClient(client, { definition: shop, validate: true, hooks: { before: { callAction: (input) => (sent.push(input), input) } } })
  // This server runs no integration code: the action is sent, and answered with an error.
  const error = await bot.callAction({ type: 'webchat:notify', input: { to: 'ada' } }).catch((e: unknown) => e)
  assert.ok(isApiError(error), String(error))
  assert.deepEqual(sent, [{ type: 'webchat:notify', input: { to: 'ada' } }])

  const rejected = await bot.callAction({ type: 'webchat:notify', input: { to: 7 } as never }).catch((e: unknown) => e)
  assert.ok(rejected instanceof PayloadValidationError)
  assert.equal(rejected.field, 'input.to')
  assert.equal(sent.length, 2, 'the before hook ran, the request was not sent')
})

test('validate refuses a bad payload before sending, naming the field', async () => {
  const bot = shopClient({ validate: true })
  const conversation = await conversationOf(bot)
  const bad = { items: [{ sku: 'shoe', qty: 'two' }] } as never
  const error = await bot.setState({ type: 'conversation', id: conversation.id, name: 'cart', payload: bad }).catch((e: unknown) => e)
  assert.ok(error instanceof PayloadValidationError, String(error))
  assert.equal(error.field, 'payload.items.0.qty')
  assert.equal(error.stage, 'input')
  assert.match(error.message, /^setState input: invalid "payload\.items\.0\.qty": /)
  await assert.rejects(client.getState({ type: 'conversation', id: conversation.id, name: 'cart' }), (e) => isApiError(e) && e.code === 404)

  const event = await bot.createEvent({ type: 'orderPlaced', payload: { orderId: 'o-2' } as never }).catch((e: unknown) => e)
  assert.ok(event instanceof PayloadValidationError)
  assert.equal(event.field, 'payload.total')

  const unknown = await bot.createEvent({ type: 'orderLost' as never, payload: {} as never }).catch((e: unknown) => e)
  assert.ok(unknown instanceof PayloadValidationError)
  assert.equal(unknown.field, 'type')
})

test('validate refuses a bad payload received from the server, naming the field', async () => {
  const bot = shopClient({ validate: true })
  const conversation = await conversationOf(bot)
  await client.setState({ type: 'conversation', id: conversation.id, name: 'cart', payload: { items: [{ sku: 3, qty: 1 }] } })
  const error = await bot.getState({ type: 'conversation', id: conversation.id, name: 'cart' }).catch((e: unknown) => e)
  assert.ok(error instanceof PayloadValidationError, String(error))
  assert.equal(error.stage, 'output')
  assert.equal(error.field, 'state.payload.items.0.sku')

  // Without validate the same read goes through.
  const { state } = await shopClient().getState({ type: 'conversation', id: conversation.id, name: 'cart' })
  assert.deepEqual(state.payload, { items: [{ sku: 3, qty: 1 }] })
})

test('validate needs a definition with schemas', () => {
  assert.throws(() => new BotSpecificClient(client, { validate: true }), /validate needs the definition/)
})

test('an integration client uses its own names', async () => {
  const echo = defineIntegration({
    states: { session: { type: 'conversation', schema: z.object({ token: z.string() }) } },
    channels: { dm: { messages: { text: { schema: z.object({ text: z.string() }) } }, conversation: { tags: { thread: {} } } } },
    user: { tags: { handle: {} } },
  })
  const integration = new IntegrationSpecificClient(client, { definition: echo, validate: true })
  const { conversation } = await integration.getOrCreateConversation({ channel: 'dm', tags: { thread: 't-1' } })
  assert.equal(conversation.tags.thread, 't-1')
  const { user } = await integration.getOrCreateUser({ tags: { handle: 'ada' } })
  await integration.setState({ type: 'conversation', id: conversation.id, name: 'session', payload: { token: 'abc' } })
  assert.deepEqual((await integration.getState({ type: 'conversation', id: conversation.id, name: 'session' })).state.payload, { token: 'abc' })
  const { message } = await integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: 'hi' }, tags: {} })
  assert.equal(message.payload.text, 'hi')
  const error = await integration.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { txt: 'hi' } as never, tags: {} }).catch((e: unknown) => e)
  assert.ok(error instanceof PayloadValidationError)
  assert.equal(error.field, 'payload.text')
})

test('table rows and workflows go through with their typed shapes', async () => {
  const orders = defineBot({
    tables: { OrdersTable: { schema: z.object({ orderId: z.string(), total: z.number() }) } },
    workflows: { checkout: { input: { schema: z.object({ cartId: z.string() }) }, output: { schema: z.object({ paid: z.boolean() }) } } },
  })
  await client.createTable({ name: 'OrdersTable', schema: { type: 'object', properties: { orderId: { type: 'string' }, total: { type: 'number' } } } })
  const bot = new BotSpecificClient(client, { definition: orders, validate: true })

  const { rows } = await bot.createTableRows({ table: 'OrdersTable', rows: [{ orderId: 'o-1', total: 42 }] })
  const { row } = await bot.getTableRow({ table: 'OrdersTable', id: rows[0]!.id })
  assert.equal(row.total, 42)
  const found = await bot.findTableRows({ table: 'OrdersTable', filter: { orderId: 'o-1' } })
  assert.deepEqual(
    found.rows.map((r) => r.orderId),
    ['o-1'],
  )
  const bad = await bot.createTableRows({ table: 'OrdersTable', rows: [{ orderId: 'o-2', total: 1 }, { orderId: 'o-3' } as never] }).catch((e: unknown) => e)
  assert.ok(bad instanceof PayloadValidationError)
  assert.equal(bad.field, 'rows.1.total')

  const { workflow } = await bot.createWorkflow({ name: 'checkout', status: 'pending', input: { cartId: 'c-1' } })
  assert.equal(workflow.input.cartId, 'c-1')
  const rejected = await bot.createWorkflow({ name: 'checkout', status: 'pending', input: { cart: 'c-1' } as never }).catch((e: unknown) => e)
  assert.ok(rejected instanceof PayloadValidationError)
  assert.equal(rejected.field, 'input.cartId')
})
