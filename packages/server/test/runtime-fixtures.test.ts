/**
 * Smoke test of the runtime fixtures (test/fixtures/runtime): each real @botpress/sdk bot and integration,
 * and the misbehaving servers, start as child processes on random ports and answer what SDK-NOTES.md says,
 * calling back a real stand-in API server; the definitions' createIntegration bodies are accepted by bpkit.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '@bpkit/server'
import { clientFor } from './support.js'
import {
  botRequestHeaders,
  integrationDefinition,
  integrationRequestHeaders,
  plausibleChatAnswer,
  startCollector,
  startFixture,
  startStubApi,
  type Collector,
  type RunningFixture,
  type SdkGeneration,
  type StubApi,
} from './fixtures/runtime/harness.js'

const TOKEN = 'bp_pat_fixture-smoke-test'
const BOT_ID = 'bot_01JFIXTURE0000000000000000'
const BOT_USER_ID = 'user_01JFIXTUREBOT00000000000000'
const INTEGRATION_ID = 'intg_01JFIXTURE000000000000000'

let api: StubApi
let collector: Collector
let bpkit: TestServer
const fixtures: Record<string, RunningFixture> = {}

const generations: { generation: SdkGeneration; bot: string; integration: string }[] = [
  { generation: '5.4.3', bot: 'sdk5-bot', integration: 'sdk5-integration' },
  { generation: '0.10.10', bot: 'sdk010-bot', integration: 'sdk010-integration' },
]

before(async () => {
  api = await startStubApi((req) =>
    (req.json as any)?.tags?.userKey === 'no-such-user'
      ? { status: 404, body: { id: 'err_stub', code: 404, type: 'ResourceNotFound', message: 'User no-such-user does not exist' } }
      : plausibleChatAnswer(req),
  )
  collector = await startCollector()
  const env = { BP_API_URL: api.url, BP_TOKEN: TOKEN, BP_WORKSPACE_ID: 'wkspace_fixture', FIXTURE_REPORT_URL: `${collector.url}/reports` }
  const names = ['sdk5-bot', 'sdk5-integration', 'sdk010-bot', 'sdk010-integration']
  const [server, ...started] = await Promise.all([startTestServer({}), ...names.map((name) => startFixture(name, env))])
  bpkit = server
  names.forEach((name, i) => (fixtures[name] = started[i]!))
})

after(async () => {
  await Promise.all(Object.values(fixtures).map((f) => f.stop()))
  await collector?.close()
  await api?.close()
  await bpkit?.close()
})

const post = async (url: string, headers: Record<string, string>, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, any> }
}

const messageEvent = (conversationId: string, text: string) => {
  const now = new Date().toISOString()
  const message = { id: `msg_${Math.random().toString(36).slice(2)}`, createdAt: now, updatedAt: now, type: 'text', payload: { text }, direction: 'incoming', userId: 'user_01JHUMAN', conversationId, tags: {} }
  return {
    event: {
      id: `evt_${Math.random().toString(36).slice(2)}`,
      createdAt: now,
      type: 'message_created',
      payload: {
        message,
        user: { id: 'user_01JHUMAN', createdAt: now, updatedAt: now, tags: { 'chat:userKey': 'u1' } },
        conversation: { id: conversationId, createdAt: now, updatedAt: now, channel: 'channel', integration: 'fixture-chat', tags: { 'chat:chatId': 'c1' } },
      },
      conversationId,
      userId: 'user_01JHUMAN',
      messageId: message.id,
      status: 'pending',
      failureReason: null,
    },
  }
}

describe('runtime fixtures', () => {
  it('every fixture answers GET /health with 200, misbehaving ones included', async () => {
    for (const f of Object.values(fixtures)) assert.equal((await fetch(`${f.url}/health`)).status, 200, f.name)
    const misbehaving = await startFixture('misbehaving', { FIXTURE_MODE: 'error500', FIXTURE_REPORT_URL: collector.url })
    try {
      assert.equal((await fetch(`${misbehaving.url}/health`)).status, 200)
      const res = await fetch(`${misbehaving.url}/`, { method: 'POST', body: '{}' })
      assert.equal(res.status, 500)
      await collector.waitFor((r) => r.pid === misbehaving.pid && r.kind === 'request')
    } finally {
      await misbehaving.stop()
    }
  })

  it('misbehaving: refuse closes its port after /health, crash exits on the first request', async () => {
    const [refuse, crash] = await Promise.all([startFixture('misbehaving', { FIXTURE_MODE: 'refuse' }), startFixture('misbehaving', { FIXTURE_MODE: 'crash' })])
    try {
      await assert.rejects(fetch(`${refuse.url}/`, { method: 'POST', body: '{}' }), (err: Error & { cause?: { code?: string } }) => {
        assert.equal(err.cause?.code, 'ECONNREFUSED', String(err.cause))
        return true
      })
      await assert.rejects(fetch(`${crash.url}/`, { method: 'POST', body: '{}' }))
      assert.equal(await crash.exited, 1)
    } finally {
      await Promise.all([refuse.stop(), crash.stop()])
    }
  })

  it('misbehaving: slow, hang, status, garbage, garbage-http, reset and FIXTURE_FAIL_TIMES do what they say', async () => {
    const modes: Record<string, string>[] = [
      { FIXTURE_MODE: 'slow', FIXTURE_DELAY_MS: '300' },
      { FIXTURE_MODE: 'hang' },
      { FIXTURE_MODE: 'status', FIXTURE_STATUS: '418' },
      { FIXTURE_MODE: 'garbage' },
      { FIXTURE_MODE: 'garbage-http' },
      { FIXTURE_MODE: 'reset' },
      { FIXTURE_MODE: 'error500', FIXTURE_FAIL_TIMES: '1' },
    ]
    const [slow, hang, status, garbage, garbageHttp, reset, flaky] = await Promise.all(modes.map((env) => startFixture('misbehaving', env)))
    try {
      const call = (f: RunningFixture, signal?: AbortSignal) => fetch(`${f.url}/`, { method: 'POST', body: '{}', signal })
      const started = Date.now()
      assert.equal((await call(slow!)).status, 200)
      assert.ok(Date.now() - started >= 290, 'slow waited')
      await assert.rejects(call(hang!, AbortSignal.timeout(300)), /abort|timeout/i)
      const teapot = await call(status!)
      assert.equal(teapot.status, 418)
      assert.equal(((await teapot.json()) as any).type, 'Runtime')
      const junk = await call(garbage!)
      assert.equal(junk.status, 200)
      await assert.rejects(junk.json())
      await assert.rejects(call(garbageHttp!))
      await assert.rejects(call(reset!))
      assert.equal((await call(flaky!)).status, 500)
      assert.equal((await call(flaky!)).status, 200)
    } finally {
      await Promise.all([slow, hang, status, garbage, garbageHttp, reset, flaky].map((f) => f?.stop()))
    }
  })

  for (const { generation, bot, integration } of generations) {
    describe(`SDK ${generation}`, () => {
      it('the echo bot answers event_received / message_created by calling createMessage as the bot', async () => {
        const conversationId = `conv_${generation.replaceAll('.', '')}echo`
        const res = await post(fixtures[bot]!.url, botRequestHeaders({ botId: BOT_ID, operation: 'event_received', type: 'message_created', configuration: { greeting: 'hi' } }), messageEvent(conversationId, 'hello'))
        assert.equal(res.status, 200, res.text)

        const call = await api.waitFor((r) => r.method === 'POST' && r.path === '/v1/chat/messages' && (r.json as any)?.conversationId === conversationId)
        assert.deepEqual(call.json, { conversationId, userId: BOT_ID, type: 'text', payload: { text: 'echo: hello' }, tags: {} })
        assert.equal(call.headers.authorization, `Bearer ${TOKEN}`)
        assert.equal(call.headers['x-bot-id'], BOT_ID)
        assert.equal(call.headers['x-workspace-id'], 'wkspace_fixture')
        assert.equal(call.headers['x-integration-id'], undefined)

        const seen = await collector.waitFor((r) => r.fixture === bot && r.kind === 'message' && (r.message as any)?.conversationId === conversationId)
        assert.deepEqual((seen.ctx as any).configuration, { payload: JSON.stringify({ greeting: 'hi' }) })
        assert.equal((seen.ctx as any).botId, BOT_ID)
        await collector.waitFor((r) => r.fixture === bot && r.kind === 'replied' && (r.message as any)?.conversationId === conversationId)
      })

      it('the echo bot reports an integration event and answers a failing handler as its SDK does', async () => {
        const now = new Date().toISOString()
        const event = { id: `evt_ping${generation}`, createdAt: now, type: 'chat:ping', payload: { text: 'pong?' }, status: 'pending', failureReason: null }
        const ok = await post(fixtures[bot]!.url, botRequestHeaders({ botId: BOT_ID, operation: 'event_received', type: 'chat:ping' }), { event })
        assert.equal(ok.status, 200, ok.text)
        await collector.waitFor((r) => r.fixture === bot && r.kind === 'event' && r.type === 'chat:ping')

        const failed = await post(fixtures[bot]!.url, botRequestHeaders({ botId: BOT_ID, operation: 'event_received', type: 'message_created' }), messageEvent('conv_fail', 'fail'))
        if (generation === '5.4.3') {
          assert.equal(failed.status, 400)
          assert.equal(failed.json.type, 'Runtime')
        } else {
          assert.equal(failed.status, 500)
          assert.match(failed.json.error, /told to fail/)
        }
        const missing = await post(fixtures[bot]!.url, { 'content-type': 'application/json', 'x-bp-operation': 'ping' }, {})
        assert.equal(missing.status, 500)
        assert.ok(missing.json.error)
      })

      it('the echo bot answers register, unregister and ping with 200, and an unknown operation with 500', async () => {
        for (const operation of ['register', 'unregister', 'ping'] as const) {
          const res = await post(fixtures[bot]!.url, botRequestHeaders({ botId: BOT_ID, operation }), {})
          assert.equal(res.status, 200, `${operation}: ${res.text}`)
          assert.deepEqual(res.json, {})
        }
        if (generation === '5.4.3') await collector.waitFor((r) => r.fixture === bot && r.kind === 'register' && (r.ctx as any)?.botId === BOT_ID)
        const unknown = await post(fixtures[bot]!.url, { ...botRequestHeaders({ botId: BOT_ID, operation: 'ping' }), 'x-bp-operation': 'dance' }, {})
        assert.equal(unknown.status, 500)
        assert.ok(unknown.json.error)
      })

      it('the echo bot handles action_triggered as its SDK does (5.4.3 runs its own action; 0.10.10 refuses)', async () => {
        const res = await post(fixtures[bot]!.url, botRequestHeaders({ botId: BOT_ID, operation: 'action_triggered', type: 'action_triggered' }), { type: 'double', input: { n: 21 } })
        if (generation === '5.4.3') {
          assert.equal(res.status, 200, res.text)
          assert.deepEqual(res.json, { output: { n: 42 } })
        } else {
          assert.equal(res.status, 500)
          assert.match(res.json.error, /not supported/)
        }
      })

      it('the chat integration turns a webhook into getOrCreateUser, getOrCreateConversation, createMessage and createEvent', async () => {
        const chatId = `chat-${generation}`
        const headers = integrationRequestHeaders({ botId: BOT_ID, botUserId: BOT_USER_ID, integrationId: INTEGRATION_ID, alias: 'chat', webhookId: 'wh_fixture', operation: 'webhook_received', configuration: { greeting: 'hello there' } })
        const req = { method: 'POST', path: '/sub/path', query: 'a=1', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u1', conversationId: chatId, text: `hi ${generation}`, ping: { text: `ping ${generation}` } }) }
        const res = await post(fixtures[integration]!.url, headers, { req })
        assert.equal(res.status, 202, res.text)
        assert.equal(res.headers.get('x-fixture'), integration)
        assert.equal(res.json.greeting, 'hello there')
        assert.equal(res.json.path, '/sub/path')
        assert.match(res.json.messageId, /^msg_/)
        assert.match(res.json.eventId, /^evt_/)

        const created = api.requests.find((r) => r.path === '/v1/chat/messages' && (r.json as any)?.payload?.text === `hi ${generation}` && r.headers['x-integration-id'] === INTEGRATION_ID)
        assert.ok(created, 'createMessage reached the API')
        assert.equal(created.headers.authorization, `Bearer ${TOKEN}`)
        assert.equal(created.headers['x-bot-id'], BOT_ID)
        assert.equal(created.headers['x-workspace-id'], 'wkspace_fixture')
        assert.equal(created.headers['x-integration-alias'], generation === '5.4.3' ? 'chat' : undefined)
        const conversation = api.requests.find((r) => r.path === '/v1/chat/conversations/get-or-create' && (r.json as any)?.tags?.chatId === chatId)
        assert.deepEqual((conversation?.json as any)?.channel, 'channel')
        const event = api.requests.find((r) => r.path === '/v1/chat/events' && (r.json as any)?.payload?.text === `ping ${generation}`)
        assert.equal((event?.json as any)?.type, 'ping')
        await collector.waitFor((r) => r.fixture === integration && r.kind === 'webhook' && (r.ctx as any)?.webhookId === 'wh_fixture')

        const apiError = await post(fixtures[integration]!.url, headers, { req: { ...req, body: JSON.stringify({ userId: 'no-such-user', text: 'x' }) } })
        assert.equal(apiError.status, 400, apiError.text)
        assert.equal(apiError.json.type, 'Runtime')
        assert.match(apiError.json.message, /no-such-user does not exist/)
      })

      it('the chat integration answers register, message_created and action_triggered, and requires its headers', async () => {
        const base = { botId: BOT_ID, botUserId: BOT_USER_ID, integrationId: INTEGRATION_ID, alias: 'chat', webhookId: 'wh_fixture' }
        const url = fixtures[integration]!.url
        const register = await post(url, integrationRequestHeaders({ ...base, operation: 'register' }), { webhookUrl: 'http://127.0.0.1:1/webhooks/wh_fixture' })
        assert.equal(register.status, 200, register.text)
        await collector.waitFor((r) => r.fixture === integration && r.kind === 'register' && r.webhookUrl === 'http://127.0.0.1:1/webhooks/wh_fixture')

        const refused = await post(url, integrationRequestHeaders({ ...base, operation: 'register', configuration: { failRegister: true } }), { webhookUrl: 'x' })
        assert.equal(refused.status, 400)
        assert.equal(refused.json.type, 'Runtime')

        const now = new Date().toISOString()
        const conversation = { id: 'conv_out', createdAt: now, updatedAt: now, channel: 'channel', integration: 'fixture-chat', tags: { chatId: 'c-out' } }
        const outId = `msg_out${generation.replaceAll('.', '')}`
        const message = { id: outId, createdAt: now, updatedAt: now, type: 'text', payload: { text: 'echo: hi' }, direction: 'outgoing', userId: BOT_ID, conversationId: 'conv_out', tags: {} }
        const user = { id: BOT_ID, createdAt: now, updatedAt: now, tags: {} }
        const delivered = await post(url, integrationRequestHeaders({ ...base, operation: 'message_created', configuration: { ack: true } }), { conversation, user, message, type: 'text', payload: message.payload })
        assert.equal(delivered.status, 200, delivered.text)
        const seen = await collector.waitFor((r) => r.fixture === integration && r.kind === 'message' && (r.message as any)?.id === outId)
        assert.deepEqual((seen.conversation as any).tags, { chatId: 'c-out' })
        const ack = api.requests.find((r) => r.method === 'PUT' && r.path === `/v1/chat/messages/${outId}` && r.headers['x-integration-id'] === INTEGRATION_ID && (r.json as any)?.tags?.id === `ext-${outId}`)
        assert.ok(ack, 'ack is updateMessage with the tags')

        const action = await post(url, integrationRequestHeaders({ ...base, operation: 'action_triggered' }), { type: 'sum', input: { a: 2, b: 3 } })
        assert.equal(action.status, 200, action.text)
        assert.deepEqual(action.json.output, { sum: 5 })
        if (generation === '5.4.3') assert.deepEqual(action.json.meta, { cost: 0 })
        else assert.equal(action.json.meta, undefined)

        const fail = await post(url, integrationRequestHeaders({ ...base, operation: 'action_triggered' }), { type: 'fail', input: { message: 'nope' } })
        assert.equal(fail.status, 400)
        assert.equal(fail.json.type, 'Runtime')
        assert.equal(fail.json.message, 'nope')

        const ping = await post(url, integrationRequestHeaders({ ...base, operation: 'ping' }), {})
        assert.equal(ping.status, 200, ping.text)
        assert.deepEqual(ping.json, {})
        const unknown = await post(url, { ...integrationRequestHeaders({ ...base, operation: 'ping' }), 'x-bp-operation': 'dance' }, {})
        assert.equal(unknown.status, generation === '5.4.3' ? 400 : 500, unknown.text)

        const { 'x-integration-alias': _alias, ...noAlias } = integrationRequestHeaders({ ...base, operation: 'ping' })
        const pingNoAlias = await post(url, noAlias, {})
        assert.equal(pingNoAlias.status, generation === '5.4.3' ? 500 : 200, pingNoAlias.text)
      })

      it('the definition converts to a createIntegration body the way its CLI does', async () => {
        const body = await integrationDefinition(generation, { url: 'http://127.0.0.1:9', name: 'my-chat' })
        assert.equal(body.name, 'my-chat')
        assert.equal(body.dev, true)
        assert.equal(body.url, 'http://127.0.0.1:9')
        assert.deepEqual(Object.keys(body.channels!.channel!.messages), ['text', 'image', 'choice'])
        assert.deepEqual(Object.keys(body.actions!), ['echo', 'sum', 'fail'])
        assert.equal((body.events!.ping!.schema as any).properties.text.type, 'string')
        assert.equal((body.actions!.sum!.input.schema as any).required.join(), 'a,b')
        assert.equal('x-zui' in (body.configuration?.schema ?? {}), generation === '0.10.10', JSON.stringify(body.configuration))

        const { integration } = await clientFor(bpkit).createIntegration(body)
        assert.equal(integration.dev, true)
        assert.deepEqual(Object.keys(integration.channels.channel!.messages), ['text', 'image', 'choice'])
      })
    })
  }
})
