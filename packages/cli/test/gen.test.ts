import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { Client } from '@bpkit/client'
import { startTestServer, type TestServer } from '@bpkit/server'

const cli = join(import.meta.dirname, '..', 'dist', 'index.js')
const clientTypes = join(import.meta.dirname, '..', '..', 'client', 'dist', 'index.d.ts')

let server: TestServer
let client: Client
let dir: string
before(async () => {
  server = await startTestServer()
  client = new Client({ apiUrl: server.url, token: server.token, workspaceId: server.workspaceId })
  dir = mkdtempSync(join(tmpdir(), 'bpkit-gen-'))
})
after(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

function bpkit(args: string[]) {
  const env = { PATH: process.env.PATH ?? '', BP_API_URL: server.url, BP_TOKEN: server.token, BP_WORKSPACE_ID: server.workspaceId }
  const child = spawn(process.execPath, [cli, ...args], { env })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

/** Type-checks the files strictly, `@bpkit/client` resolved to its built declarations; returns the errors. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
    paths: { '@bpkit/client': [clientTypes], '@bpkit/client/typed': [clientTypes.replace(/index\.d\.ts$/, 'typed.d.ts')] },
  })
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
}

const object = (properties: Record<string, object>, required = Object.keys(properties)) => ({ type: 'object', properties, required })

async function shopBot(): Promise<string> {
  const { integration } = await client.createIntegration({
    name: `crm-${Date.now().toString(36)}`,
    version: '1.0.0',
    actions: { createLead: { input: { schema: object({ email: { type: 'string' } }) }, output: { schema: object({ leadId: { type: 'string' } }) } } },
    channels: {
      inbox: {
        messages: { text: { schema: object({ text: { type: 'string' } }) } },
        conversation: { tags: { thread: {} } },
        message: { tags: {} },
      },
    },
    events: { leadWon: { schema: object({ leadId: { type: 'string' }, amount: { type: ['number', 'null'] } }) } },
    user: { tags: { crmId: { title: 'CRM id' } } },
  })
  const { bot } = await client.createBot({
    name: 'Shop',
    states: {
      cart: { type: 'conversation', schema: object({ items: { type: 'array', items: object({ sku: { type: 'string' }, qty: { type: 'integer' } }) } }) },
      settings: { type: 'bot', schema: { type: 'object', properties: { mode: { enum: ['fast', 'careful'] } }, additionalProperties: { type: 'string' } } },
    },
    events: { orderPlaced: { description: 'A customer paid.', schema: object({ orderId: { type: 'string' }, total: { type: 'number' }, note: { type: 'string' } }, ['orderId', 'total']) } },
    user: { tags: { plan: {} } },
    conversation: { tags: { topic: {} } },
  })
  await client.updateBot({ id: bot.id, integrations: { crm: { integrationId: integration.id, enabled: true, configuration: {} } } })
  return bot.id
}

test('gen writes the type of a bot and its installed integrations, and the file compiles', async () => {
  const botId = await shopBot()
  const out = join(dir, 'shop-bot.ts')
  const result = await bpkit(['gen', '--bot', botId, '--out', out, '--name', 'ShopBot'])
  assert.equal(result.code, 0, result.stderr)
  const source = readFileSync(out, 'utf8')
  assert.match(source, /export type ShopBot = \{/)
  assert.match(source, /cart: \{\n\s+type: "conversation"\n\s+payload: \{/)
  assert.match(source, /\/\*\* A customer paid\. \*\/\n\s+orderPlaced: \{/)
  assert.match(source, /note\?: string/)
  assert.match(source, /amount: number \| null/)
  assert.match(source, /crm: \{/)

  const usage = join(dir, 'usage.ts')
  writeFileSync(
    usage,
    `import { Client } from '@bpkit/client'
import { BotSpecificClient } from '@bpkit/client/typed'
import type { ShopBot } from './shop-bot.js'

const bot = new BotSpecificClient<ShopBot>(new Client())
export async function use(): Promise<number> {
  const { state } = await bot.getState({ type: 'conversation', id: 'c', name: 'cart' })
  const qty: number = state.payload.items![0]!.qty!
  // @ts-expect-error unknown state
  await bot.getState({ type: 'conversation', id: 'c', name: 'wishlist' })
  await bot.setState({ type: 'bot', id: 'b', name: 'settings', payload: { mode: 'fast', region: 'eu' } })
  // @ts-expect-error not one of the enum's values
  await bot.setState({ type: 'bot', id: 'b', name: 'settings', payload: { mode: 'slow' } })
  await bot.createEvent({ type: 'orderPlaced', payload: { orderId: 'o1', total: 3 } })
  // @ts-expect-error total is required
  await bot.createEvent({ type: 'orderPlaced', payload: { orderId: 'o1' } })
  const { output } = await bot.callAction({ type: 'crm:createLead', input: { email: 'a@b.c' } })
  const leadId: string = output.leadId
  await bot.getOrCreateConversation({ integrationName: 'crm', channel: 'inbox', tags: { topic: 't', 'crm:thread': '1' } })
  await bot.createMessage({ conversationId: 'c', userId: 'u', type: 'text', payload: { text: 'hi' }, tags: {} })
  await bot.getOrCreateUser({ tags: { plan: 'pro', 'crm:crmId': '7' } })
  const { events } = await bot.listEvents({ type: 'crm:leadWon' })
  const amount: number | null = events[0]!.payload.amount
  return qty + leadId.length + (amount ?? 0)
}
`,
  )
  assert.deepEqual(typeErrors([out, usage]), [])
})

test('gen --integration writes the type of an integration, and the file compiles with IntegrationSpecificClient', async () => {
  const { integration } = await client.createIntegration({
    name: `inbox-${Date.now().toString(36)}`,
    version: '2.1.0',
    channels: { inbox: { messages: { text: { schema: object({ text: { type: 'string' } }) } }, conversation: { tags: { thread: {} } }, message: { tags: {} } } },
    events: { leadWon: { schema: object({ leadId: { type: 'string' } }) } },
    states: { credentials: { type: 'integration', schema: object({ accessToken: { type: 'string' } }) } },
    user: { tags: { crmId: {} } },
  })
  const out = join(dir, 'inbox.ts')
  const result = await bpkit(['gen', '--integration', integration.id, '--out', out, '--name', 'Inbox'])
  assert.equal(result.code, 0, result.stderr)
  const source = readFileSync(out, 'utf8')
  assert.match(source, new RegExp(`from integration ${integration.id} \\("${integration.name}@2\\.1\\.0"\\)`))
  assert.match(source, /export type Inbox = \{\n  actions: \{\}\n  channels: \{\n    inbox: \{/)
  assert.match(source, /tags: \{ user: "crmId" \}/)

  const usage = join(dir, 'inbox-usage.ts')
  writeFileSync(
    usage,
    `import { Client } from '@bpkit/client'
import { IntegrationSpecificClient } from '@bpkit/client/typed'
import type { Inbox } from './inbox.js'

const integration = new IntegrationSpecificClient<Inbox>(new Client())
export async function use(): Promise<string> {
  await integration.getOrCreateConversation({ channel: 'inbox', tags: { thread: 'T-1' } })
  // @ts-expect-error no such channel
  await integration.getOrCreateConversation({ channel: 'outbox', tags: {} })
  await integration.createEvent({ type: 'leadWon', payload: { leadId: 'l-1' } })
  // @ts-expect-error leadId is a string
  await integration.createEvent({ type: 'leadWon', payload: { leadId: 1 } })
  const { state } = await integration.getState({ type: 'integration', id: 'i', name: 'credentials' })
  return state.payload.accessToken
}
`,
  )
  assert.deepEqual(typeErrors([out, usage]), [])
  assert.equal((await bpkit(['gen', '--bot', 'bot_x', '--integration', integration.id])).code, 1, '--bot and --integration together print the help and fail')
})

test('gen prints to stdout without --out, and reports an unknown bot', async () => {
  const { bot } = await client.createBot({ name: 'Bare' })
  const printed = await bpkit(['gen', '--bot', bot.id])
  assert.equal(printed.code, 0, printed.stderr)
  assert.match(printed.stdout, /export type Bot = \{\n  states: \{\}\n  events: \{\}\n  actions: \{\}\n  tags: \{ user: never; conversation: never; message: never \}\n  integrations: \{\}\n\}/)
  const bare = join(dir, 'bare.ts')
  writeFileSync(bare, printed.stdout)
  assert.deepEqual(typeErrors([bare]), [])

  const missing = await bpkit(['gen', '--bot', 'bot_01JAAAAAAAAAAAAAAAAAAAAAAA'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /^ResourceNotFound: /)
  assert.equal((await bpkit(['gen'])).code, 1, 'neither --bot nor --integration prints the help and fails')
})
