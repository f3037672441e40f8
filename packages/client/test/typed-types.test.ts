/**
 * Type tests of the typed clients: the root `tsc -p tsconfig.json` compiles this file, so every `@ts-expect-error`
 * line must be an error and every other line must compile. The test at the end only runs nothing over the network.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import { Client } from '@bpkit/client'
import {
  BotSpecificClient,
  IntegrationSpecificClient,
  defineBot,
  defineIntegration,
  type InferBot,
  type InferIntegration,
} from '@bpkit/client/typed'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expectType = <T extends true>(): T | void => undefined
/** Mutual assignability: zod's inferred objects are equal in use, not always identical to a written type. */
type Alike<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** A bot written as a plain type. */
type Shop = {
  states: {
    cart: { type: 'conversation'; payload: { items: { sku: string; qty: number }[] } }
    profile: { type: 'user'; payload: { vip: boolean } }
  }
  events: { orderPlaced: { orderId: string; total: number } }
  tags: { user: 'plan'; conversation: 'topic'; message: 'lang' }
  tables: { ordersTable: { orderId: string; total: number } }
  workflows: { checkout: { input: { cartId: string }; output: { paid: boolean } } }
  integrations: {
    slack: {
      actions: { sendMessage: { input: { channel: string; text: string }; output: { ts: string } } }
      channels: {
        channel: { messages: { text: { text: string }; image: { imageUrl: string } }; tags: { conversation: 'id'; message: 'ts' } }
      }
      events: { reactionAdded: { reaction: string } }
      tags: { user: 'slackId' }
    }
  }
}

async function botNarrowing(bot: BotSpecificClient<Shop>) {
  // states: the name picks the type and the payload
  const { state } = await bot.getState({ type: 'conversation', id: 'conv_1', name: 'cart' })
  expectType<Equal<typeof state.payload, { items: { sku: string; qty: number }[] }>>()
  expectType<Equal<typeof state.name, 'cart'>>()
  await bot.setState({ type: 'user', id: 'user_1', name: 'profile', payload: { vip: true } })
  await bot.patchState({ type: 'conversation', id: 'conv_1', name: 'cart', payload: {} })
  // @ts-expect-error unknown state
  await bot.getState({ type: 'conversation', id: 'conv_1', name: 'wishlist' })
  // @ts-expect-error the cart is a conversation state
  await bot.getState({ type: 'user', id: 'user_1', name: 'cart' })
  // @ts-expect-error wrong payload
  await bot.setState({ type: 'user', id: 'user_1', name: 'profile', payload: { vip: 'yes' } })

  // events: created by name, read as the union of the bot's and its integrations' events
  const { event } = await bot.createEvent({ type: 'orderPlaced', payload: { orderId: 'o1', total: 3 } })
  expectType<Equal<typeof event.payload, { orderId: string; total: number }>>()
  // @ts-expect-error unknown event
  await bot.createEvent({ type: 'orderShipped', payload: {} })
  // @ts-expect-error wrong payload
  await bot.createEvent({ type: 'orderPlaced', payload: { orderId: 1, total: 3 } })
  const { events } = await bot.listEvents({ type: 'slack:reactionAdded' })
  expectType<Equal<(typeof events)[number]['payload'], { reaction: string }>>()
  const read = (await bot.getEvent({ id: 'evt_1' })).event
  if (read.type === 'orderPlaced') expectType<Equal<typeof read.payload, { orderId: string; total: number }>>()
  else expectType<Equal<typeof read.type, 'slack:reactionAdded'>>()

  // actions: `<alias>:<action>`, input checked, output typed
  const { output } = await bot.callAction({ type: 'slack:sendMessage', input: { channel: 'C1', text: 'hi' } })
  expectType<Equal<typeof output, { ts: string }>>()
  // @ts-expect-error unknown action
  await bot.callAction({ type: 'slack:deleteMessage', input: {} })
  // @ts-expect-error wrong input
  await bot.callAction({ type: 'slack:sendMessage', input: { channel: 'C1' } })

  // messages: the type picks the payload; tags are the bot's and `<alias>:<tag>`
  const base = { conversationId: 'conv_1', userId: 'user_1' }
  const { message } = await bot.createMessage({ ...base, type: 'text', payload: { text: 'hi' }, tags: { lang: 'en', 'slack:ts': '1' } })
  expectType<Equal<typeof message.payload, { text: string }>>()
  expectType<Equal<typeof message.tags, { lang?: string; 'slack:ts'?: string }>>()
  // @ts-expect-error an image payload for a text message
  await bot.createMessage({ ...base, type: 'text', payload: { imageUrl: 'x' }, tags: {} })
  // @ts-expect-error unknown message type
  await bot.createMessage({ ...base, type: 'video', payload: {}, tags: {} })
  // @ts-expect-error unknown message tag
  await bot.createMessage({ ...base, type: 'text', payload: { text: 'hi' }, tags: { color: 'red' } })

  // conversations: an installed integration's channel; tags narrowed
  const { conversation } = await bot.getOrCreateConversation({ integrationName: 'slack', channel: 'channel', tags: { topic: 'a', 'slack:id': 'C1' } })
  expectType<Equal<typeof conversation.channel, 'channel'>>()
  expectType<Equal<typeof conversation.integration, 'slack'>>()
  // @ts-expect-error unknown channel
  await bot.createConversation({ integrationName: 'slack', channel: 'dm', tags: {} })
  // @ts-expect-error unknown integration
  await bot.createConversation({ integrationName: 'teams', channel: 'channel', tags: {} })
  // @ts-expect-error unknown conversation tag
  await bot.updateConversation({ id: 'conv_1', tags: { priority: 'high' } })

  // users
  const { user } = await bot.getOrCreateUser({ tags: { plan: 'pro', 'slack:slackId': 'U1' }, discriminateByTags: ['slack:slackId'] })
  expectType<Equal<typeof user.tags, { plan?: string; 'slack:slackId'?: string }>>()
  // @ts-expect-error unknown user tag
  await bot.createUser({ tags: { email: 'a@b.c' } })

  // tables: rows of the table's shape
  const { rows } = await bot.createTableRows({ table: 'ordersTable', rows: [{ orderId: 'o1', total: 3 }] })
  expectType<Equal<(typeof rows)[number]['total'], number>>()
  const { row } = await bot.getTableRow({ table: 'ordersTable', id: 1 })
  expectType<Equal<typeof row.orderId, string>>()
  // @ts-expect-error missing column
  await bot.createTableRows({ table: 'ordersTable', rows: [{ orderId: 'o1' }] })
  // @ts-expect-error unknown table
  await bot.findTableRows({ table: 'customersTable' })

  // workflows
  const { workflow } = await bot.createWorkflow({ name: 'checkout', status: 'pending', input: { cartId: 'c1' } })
  expectType<Equal<typeof workflow.input, { cartId: string }>>()
  // @ts-expect-error wrong workflow input
  await bot.getOrCreateWorkflow({ name: 'checkout', status: 'pending', input: { cart: 'c1' } })

  // pass-through operations keep the client's types
  await bot.trackAnalytics({ name: 'checkout', count: 1 })
  await bot.listFiles({})
}

/** An integration written as a plain type: its own names, no prefixes. */
type Slack = Shop['integrations']['slack'] & {
  states: { credentials: { type: 'integration'; payload: { accessToken: string } } }
}

async function integrationNarrowing(integration: IntegrationSpecificClient<Slack>) {
  const { state } = await integration.getState({ type: 'integration', id: 'intg_1', name: 'credentials' })
  expectType<Equal<typeof state.payload, { accessToken: string }>>()
  await integration.createEvent({ type: 'reactionAdded', payload: { reaction: 'tada' } })
  const { conversation } = await integration.getOrCreateConversation({ channel: 'channel', tags: { id: 'C1' } })
  expectType<Equal<typeof conversation.tags, { id?: string }>>()
  await integration.createMessage({ conversationId: 'c', userId: 'u', type: 'image', payload: { imageUrl: 'x' }, tags: { ts: '1' } })
  await integration.getOrCreateUser({ tags: { slackId: 'U1' } })
  // @ts-expect-error integrations do not prefix their own names
  await integration.createEvent({ type: 'slack:reactionAdded', payload: { reaction: 'tada' } })
  // @ts-expect-error unknown channel
  await integration.createConversation({ channel: 'dm', tags: {} })
  // @ts-expect-error an integration's state types are conversation, user and integration
  await integration.getState({ type: 'bot', id: 'bot_1', name: 'credentials' })
  // @ts-expect-error unknown user tag
  await integration.createUser({ tags: { plan: 'pro' } })
  // @ts-expect-error callAction is for bots
  await integration.callAction({ type: 'sendMessage', input: {} })
  await integration.configureIntegration({ identifier: 'team_1' })
}

// A definition with zod schemas gives the same narrowing, its type inferred.
const shop = defineBot({
  states: { cart: { type: 'conversation', schema: z.object({ items: z.array(z.object({ sku: z.string(), qty: z.number() })) }) } },
  events: { orderPlaced: { schema: z.object({ orderId: z.string(), total: z.number() }) } },
  user: { tags: { plan: {} } },
  integrations: {
    slack: {
      actions: { sendMessage: { input: { schema: z.object({ channel: z.string(), text: z.string() }) }, output: { schema: z.object({ ts: z.string() }) } } },
      channels: { channel: { messages: { text: { schema: z.object({ text: z.string() }) } }, conversation: { tags: { id: {} } } } },
    },
  },
})
type InferredShop = InferBot<typeof shop>
expectType<Equal<InferredShop['states']['cart']['payload'], { items: { sku: string; qty: number }[] }>>()
expectType<Equal<InferredShop['tags']['user'], 'plan'>>()

async function inferredNarrowing(client: Client) {
  const bot = new BotSpecificClient(client, { definition: shop, validate: true })
  const { state } = await bot.getState({ type: 'conversation', id: 'conv_1', name: 'cart' })
  expectType<Equal<typeof state.payload, { items: { sku: string; qty: number }[] }>>()
  const { output } = await bot.callAction({ type: 'slack:sendMessage', input: { channel: 'C1', text: 'hi' } })
  expectType<Equal<typeof output, { ts: string }>>()
  await bot.getOrCreateConversation({ integrationName: 'slack', channel: 'channel', tags: { 'slack:id': 'C1' } })
  // @ts-expect-error wrong payload, from the zod schema
  await bot.setState({ type: 'conversation', id: 'conv_1', name: 'cart', payload: { items: [{ sku: 1, qty: 1 }] } })
  // @ts-expect-error unknown user tag
  await bot.createUser({ tags: { tier: 'gold' } })
}

const echo = defineIntegration({
  states: { session: { type: 'integration', schema: z.object({ token: z.string() }) } },
  channels: { dm: { messages: { text: { schema: z.object({ text: z.string() }) } } } },
})
expectType<Alike<InferIntegration<typeof echo>['channels']['dm']['messages']['text'], { text: string }>>()

async function inferredIntegration(client: Client) {
  const integration = new IntegrationSpecificClient(client, { definition: echo })
  const { state } = await integration.getState({ type: 'integration', id: 'intg_1', name: 'session' })
  expectType<Equal<typeof state.payload, { token: string }>>()
  // @ts-expect-error wrong payload
  await integration.createMessage({ conversationId: 'c', userId: 'u', type: 'text', payload: { body: 'x' }, tags: {} })
}

// Hooks see the API's types and return the same.
new BotSpecificClient<Shop>(new Client(), {
  hooks: {
    before: { getState: (input) => ({ ...input, id: input.id.trim() }) },
    after: { createMessage: async (output) => output },
  },
})
new BotSpecificClient<Shop>(new Client(), {
  // @ts-expect-error a hook returns what it was given
  hooks: { before: { getState: (input) => ({ name: input.name }) } },
})

test('the typed clients type-check (see the file)', () => {
  assert.equal(typeof botNarrowing, 'function')
  assert.equal(typeof integrationNarrowing, 'function')
  assert.equal(typeof inferredNarrowing, 'function')
  assert.equal(typeof inferredIntegration, 'function')
})
