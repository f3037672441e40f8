/**
 * Type tests: `npm run typecheck` compiles this file, so every `@ts-expect-error` line must be an error and every
 * other line must compile. The runtime test below runs the well-typed calls against a loopback server.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  Client,
  ResourceNotFoundError,
  runtime,
  admin,
  isApiError,
  type ClientInputs,
  type ClientOutputs,
  type Conversation,
  type Operation,
  type ResponseInfo,
} from '@bpkit/client'
import { sendJson, startLoopback } from './helpers/loopback.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expectType = <T extends true>(): T | void => undefined

async function wellTypedCalls(client: Client) {
  const { conversation } = await client.getConversation({ id: 'conv_1' })
  expectType<Equal<typeof conversation, Conversation>>()
  expectType<Equal<typeof conversation.id, string>>()

  const { data, response } = await client.getConversation({ id: 'conv_1' }).withResponse()
  expectType<Equal<typeof data.conversation, Conversation>>()
  expectType<Equal<typeof response, ResponseInfo>>()

  for await (const item of client.list.conversations({ tags: { a: 'b' } })) expectType<Equal<typeof item, Conversation>>()
  const users = await client.list.users().collect({ limit: 2 })
  expectType<Equal<(typeof users)[number]['id'], string>>()

  // Inputs without required fields may be left out; options are the second argument.
  await client.listBots()
  await client.listConversations({ participantIds: ['a', 'b'] }, { timeout: 1000, signal: AbortSignal.timeout(1000), headers: { 'x-a': 'b' } })

  expectType<Equal<ClientInputs['getConversation'], { id: string }>>()
  // As with the official client (whose methods return a plain Promise), a rejection reason is `any`.
  const reason = await client.getConversation({ id: 'x' }).then(
    () => '',
    (error) => error.message as string,
  )
  expectType<Equal<typeof reason, string>>()
  expectType<Equal<ClientOutputs['getConversation']['conversation'], Conversation>>()
  const op: Operation = 'uploadFile'
  const input: ClientInputs['uploadFile'] = { key: 'k', content: new Uint8Array(1) }
  return [op, input]
}

async function wrongCalls(client: Client, runtimeClient: runtime.Client) {
  // @ts-expect-error an unknown operation
  await client.getConversations({ id: 'x' })
  // @ts-expect-error a required field is missing
  await client.getConversation({})
  // @ts-expect-error the input is required when it has required fields
  await client.getConversation()
  // @ts-expect-error a field of the wrong type
  await client.getConversation({ id: 42 })
  // @ts-expect-error an unknown field
  await client.createConversation({ channel: 'c', tags: {}, colour: 'blue' })
  // @ts-expect-error an enum value that does not exist
  await client.listConversations({ sortField: 'name' })
  // @ts-expect-error an unknown per-call option
  await client.getBot({ id: 'b' }, { retries: 3 })
  // @ts-expect-error outputs are typed, not any
  const n: number = (await client.getConversation({ id: 'x' })).conversation.id
  // @ts-expect-error the runtime client has only the runtime API's operations
  await runtimeClient.createBot({})
  // @ts-expect-error no list helper for an operation that does not page
  client.list.conversation()
  // @ts-expect-error list helpers take no nextToken: they follow it
  client.list.conversations({ nextToken: 'x' })
  // @ts-expect-error the runtime client needs a token and a bot id, like the official one
  new runtime.Client({})
  // @ts-expect-error uploadFile takes bytes, not numbers
  await client.uploadFile({ key: 'k', content: 12 })
  return n
}

function errorNarrowing(thrown: unknown) {
  if (thrown instanceof ResourceNotFoundError) {
    expectType<Equal<typeof thrown.type, 'ResourceNotFound'>>()
    expectType<Equal<typeof thrown.code, 404>>()
  }
  if (isApiError(thrown)) return thrown.id
  return undefined
}

test('well-typed calls run, and the ill-typed ones exist only to be rejected by tsc', async () => {
  const server = await startLoopback((req, res) => {
    if (req.path.startsWith('/v1/chat/conversations/')) return sendJson(res, 200, { conversation: { id: 'conv_1' } }, { 'x-request-id': 'r' })
    sendJson(res, 200, { conversations: [{ id: 'c' }], users: [{ id: 'u' }], bots: [], meta: {} })
  })
  try {
    const client = new Client({ apiUrl: server.url })
    assert.deepEqual(await wellTypedCalls(client), ['uploadFile', { key: 'k', content: new Uint8Array(1) }])
    assert.equal(typeof wrongCalls, 'function')
    assert.equal(errorNarrowing(new ResourceNotFoundError('x')) !== undefined, true)
    assert.equal(typeof new admin.Client({ token: 't' }).getWorkspace, 'function')
  } finally {
    await server.close()
  }
})
