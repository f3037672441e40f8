import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  Client,
  InternalError,
  InvalidPayloadError,
  OperationTimeoutError,
  RateLimitedError,
  ResourceNotFoundError,
  UnknownError,
  errorFrom,
  isApiError,
  type ApiError,
} from '@bpkit/client'
import type { ServerResponse } from 'node:http'
import { botpressError, sendJson, startLoopback, wait, type Loopback } from './helpers/loopback.js'

const conversation = { conversation: { id: 'conv_1' } }

/** Runs `fn` and returns what it threw, failing when it did not throw. */
async function rejection(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn()
  } catch (error) {
    assert.ok(isApiError(error), `expected an API error, got ${error}`)
    return error
  }
  assert.fail('expected a rejection')
}

describe('configuration and headers', () => {
  let server: Loopback
  before(async () => {
    server = await startLoopback((_req, res) => sendJson(res, 200, conversation))
  })
  after(() => server.close())

  test('identity props become the official headers; props headers, then per-call headers, are added over them', async () => {
    const client = new Client({
      apiUrl: server.url,
      token: 'tok_1',
      workspaceId: 'wkspace_1',
      botId: 'bot_1',
      integrationId: 'intg_1',
      integrationAlias: 'alias_1',
      headers: { 'x-extra': 'yes', 'X-Bot-Id': 'bot_override' },
    })
    assert.equal(client.config.apiUrl, server.url)
    assert.equal(client.config.timeout, 60_000)
    assert.equal(client.config.debug, false)
    await client.getConversation({ id: 'conv_1' }, { headers: { 'x-call': 'one', 'X-Integration-Alias': 'alias_call' } })
    const { headers } = server.requests.at(-1)!
    assert.equal(headers.authorization, 'Bearer tok_1')
    assert.equal(headers['x-workspace-id'], 'wkspace_1')
    assert.equal(headers['x-bot-id'], 'bot_override', 'props headers win over identity headers')
    assert.equal(headers['x-integration-id'], 'intg_1')
    assert.equal(headers['x-integration-alias'], 'alias_call', 'per-call headers win')
    assert.equal(headers['x-extra'], 'yes')
    assert.equal(headers['x-call'], 'one')
  })

  test('BP_* environment variables configure the client, and props win over them', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, {
      BP_API_URL: server.url,
      BP_TOKEN: 'env_token',
      BP_BOT_ID: 'env_bot',
      BP_WORKSPACE_ID: 'env_workspace',
      BP_INTEGRATION_ID: 'env_integration',
    })
    try {
      await new Client().getConversation({ id: 'a' })
      const fromEnv = server.requests.at(-1)!.headers
      assert.equal(fromEnv.authorization, 'Bearer env_token')
      assert.equal(fromEnv['x-bot-id'], 'env_bot')
      assert.equal(fromEnv['x-workspace-id'], 'env_workspace')
      assert.equal(fromEnv['x-integration-id'], 'env_integration')

      await new Client({ token: 'prop_token', botId: 'prop_bot' }).getConversation({ id: 'a' })
      const fromProps = server.requests.at(-1)!.headers
      assert.equal(fromProps.authorization, 'Bearer prop_token')
      assert.equal(fromProps['x-bot-id'], 'prop_bot')
      assert.equal(fromProps['x-workspace-id'], 'env_workspace')
    } finally {
      process.env = saved
    }
  })

  test('without props or environment the defaults are the official ones', () => {
    const saved = { ...process.env }
    for (const name of ['BP_API_URL', 'BP_TOKEN', 'BP_BOT_ID', 'BP_WORKSPACE_ID', 'BP_INTEGRATION_ID']) delete process.env[name]
    try {
      const client = new Client()
      assert.equal(client.config.apiUrl, 'https://api.botpress.cloud')
      assert.equal(client.config.timeout, 60_000)
      assert.deepEqual(client.config.headers, {})
    } finally {
      process.env = saved
    }
  })

  test('a custom fetch sends every request', async () => {
    const seen: string[] = []
    const client = new Client({
      apiUrl: server.url,
      fetch: (input, init) => {
        seen.push(String(input))
        return fetch(input, init)
      },
    })
    await client.getConversation({ id: 'x' })
    assert.deepEqual(seen, [`${server.url}/v1/chat/conversations/x`])
  })
})

describe('responses', () => {
  let server: Loopback
  before(async () => {
    server = await startLoopback((req, res) => {
      if (req.path.endsWith('/not-json')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello')
      sendJson(res, 200, conversation, { 'x-request-id': 'req_42', 'x-custom': 'value' })
    })
  })
  after(() => server.close())

  test('the parsed JSON body is the result, and withResponse() adds status, headers and request id', async () => {
    const client = new Client({ apiUrl: server.url })
    assert.deepEqual(await client.getConversation({ id: 'a' }), conversation)
    const { data, response } = await client.getConversation({ id: 'a' }).withResponse()
    assert.deepEqual(data, conversation)
    assert.equal(response.status, 200)
    assert.equal(response.requestId, 'req_42')
    assert.equal(response.headers.get('x-custom'), 'value')
  })

  test('a success that is not JSON is an UnknownError', async () => {
    const error = await rejection(() => new Client({ apiUrl: server.url }).getConversation({ id: 'not-json' }))
    assert.ok(error instanceof UnknownError)
    assert.match(error.message, /Invalid JSON/)
  })
})

describe('error mapping', () => {
  let server: Loopback
  before(async () => {
    server = await startLoopback((req, res) => {
      const id = req.path.split('/').at(-1)
      if (id === 'botpress') return sendJson(res, 400, { ...botpressError('InvalidPayload', 400, 'tags is wrong'), metadata: { field: 'tags' } })
      if (id === 'unclassified') return sendJson(res, 418, botpressError('Teapot', 418, 'short and stout'))
      if (id === 'proxy') return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>')
      if (id === 'plain404') return void res.writeHead(404).end()
    })
  })
  after(() => server.close())
  const client = () => new Client({ apiUrl: server.url, retry: false })

  test('a Botpress error body becomes its class, with id, code, type, message, description and metadata', async () => {
    const error = await rejection(() => client().getConversation({ id: 'botpress' }))
    assert.ok(error instanceof InvalidPayloadError)
    assert.equal(error.name, 'InvalidPayloadError')
    assert.equal(error.id, 'err_test_InvalidPayload')
    assert.equal(error.code, 400)
    assert.equal(error.type, 'InvalidPayload')
    assert.equal(error.message, 'tags is wrong')
    assert.equal(error.description, 'The request payload is invalid.')
    assert.equal(error.isApiError, true)
    assert.deepEqual(error.metadata, { field: 'tags' })
    assert.equal(error.response?.status, 400)
  })

  test('an unknown error type is an UnknownError that names it', async () => {
    const error = await rejection(() => client().getConversation({ id: 'unclassified' }))
    assert.ok(error instanceof UnknownError)
    assert.match(error.message, /Teapot/)
  })

  test('an HTTP failure without a Botpress body maps by status, with the status and URL in the message', async () => {
    const gateway = await rejection(() => client().getConversation({ id: 'proxy' }))
    assert.equal(gateway.type, 'Unknown')
    assert.match(gateway.message, /502/)
    assert.ok(gateway.message.includes(`GET ${server.url}/v1/chat/conversations/proxy`))
    assert.equal(gateway.response?.status, 502)
    const missing = await rejection(() => client().getConversation({ id: 'plain404' }))
    assert.ok(missing instanceof ResourceNotFoundError)
    assert.match(missing.message, /404/)
  })

  test('errorFrom maps what a bare fetch throws or returns: a failed Response, a time-out, a network failure', async () => {
    const failed = await fetch(`${server.url}/v1/chat/conversations/proxy`)
    const byStatus = errorFrom(failed)
    assert.equal(byStatus.type, 'Unknown')
    assert.match(byStatus.message, /HTTP 502 .*on http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/conversations\/proxy/)
    assert.ok(errorFrom(await fetch(`${server.url}/v1/chat/conversations/plain404`)) instanceof ResourceNotFoundError)

    const slow = await startLoopback(async (_req, res) => {
      await wait(200)
      res.end('{}')
    })
    const closed = await startLoopback(() => {})
    await closed.close()
    try {
      const timeout = await fetch(slow.url, { signal: AbortSignal.timeout(10) }).catch((e: unknown) => e)
      assert.ok(errorFrom(timeout) instanceof OperationTimeoutError)
      const refused = errorFrom(await fetch(closed.url).catch((e: unknown) => e))
      assert.ok(refused instanceof UnknownError)
      assert.match(refused.message, /^Network error on a request: .*ECONNREFUSED/)
    } finally {
      await slow.close()
    }
  })

  test('a refused connection is an UnknownError that says it is a network error', async () => {
    const closed = await startLoopback(() => {})
    await closed.close()
    const error = await rejection(() => new Client({ apiUrl: closed.url, retry: false }).getConversation({ id: 'a' }))
    assert.ok(error instanceof UnknownError)
    assert.match(error.message, /Network error on GET http:\/\/127\.0\.0\.1/)
    assert.equal(error.response, undefined)
  })
})

describe('time-outs and cancellation', () => {
  let server: Loopback
  before(async () => {
    server = await startLoopback(async (_req, res) => {
      await wait(300)
      sendJson(res, 200, conversation)
    })
  })
  after(() => server.close())

  test('the client timeout ends a slow call with an OperationTimeoutError', async () => {
    const error = await rejection(() => new Client({ apiUrl: server.url, timeout: 30 }).getConversation({ id: 'a' }))
    assert.ok(error instanceof OperationTimeoutError)
    assert.match(error.message, /timed out after 30 ms: GET/)
  })

  test('a per-call timeout overrides the client timeout', async () => {
    const client = new Client({ apiUrl: server.url, timeout: 20 })
    assert.deepEqual(await client.getConversation({ id: 'a' }, { timeout: 5_000 }), conversation)
    const error = await rejection(() => new Client({ apiUrl: server.url }).getConversation({ id: 'a' }, { timeout: 20 }))
    assert.ok(error instanceof OperationTimeoutError)
  })

  test('an AbortSignal cancels a call in flight, and an aborted signal sends nothing', async () => {
    const client = new Client({ apiUrl: server.url })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    const error = await rejection(() => client.getConversation({ id: 'a' }, { signal: controller.signal }))
    assert.ok(error instanceof UnknownError)
    assert.match(error.message, /aborted/)

    const before = server.requests.length
    const early = await rejection(() => client.getConversation({ id: 'a' }, { signal: AbortSignal.abort() }))
    assert.match(early.message, /aborted/)
    assert.equal(server.requests.length, before)
  })
})

describe('retries', () => {
  /** A server that fails the first `failures` requests of each test (by path) the way `fail` says, then answers. */
  let server: Loopback
  const plans = new Map<string, { failures: number; fail: (res: ServerResponse) => void }>()
  const seen = new Map<string, number>()
  before(async () => {
    server = await startLoopback((req, res) => {
      const key = req.path.split('/').slice(0, 5).join('/')
      const count = (seen.get(key) ?? 0) + 1
      seen.set(key, count)
      const plan = plans.get(key)
      if (plan && count <= plan.failures) return plan.fail(res)
      sendJson(res, 200, req.method === 'POST' ? { message: { id: 'msg_1' } } : conversation)
    })
  })
  after(() => server.close())

  let n = 0
  /** A fresh path for each scenario, so counts do not mix. */
  function scenario(failures: number, fail: (res: ServerResponse) => void) {
    const id = `case${++n}`
    plans.set(`/v1/chat/conversations/${id}`, { failures, fail })
    return { id, requests: () => server.requests.filter((r) => r.path === `/v1/chat/conversations/${id}`) }
  }
  const unavailable = (res: ServerResponse) => void res.writeHead(503).end('busy')
  const fast = { retryDelay: () => 5 }

  test('503 twice, then success: the default policy retries a read twice', async () => {
    const s = scenario(2, unavailable)
    const client = new Client({ apiUrl: server.url })
    assert.deepEqual(await client.getConversation({ id: s.id }), conversation)
    assert.equal(s.requests().length, 3)
  })

  test('503 three times: two retries, then the error of the last attempt', async () => {
    const s = scenario(3, unavailable)
    const error = await rejection(() => new Client({ apiUrl: server.url, retry: fast }).getConversation({ id: s.id }))
    assert.equal(error.response?.status, 503)
    assert.equal(s.requests().length, 3)
  })

  test('429 with Retry-After in seconds or as an HTTP date is retried', async () => {
    const seconds = scenario(1, (res) => sendJson(res, 429, botpressError('RateLimited', 429, 'slow down'), { 'retry-after': '0' }))
    const date = scenario(1, (res) =>
      sendJson(res, 429, botpressError('RateLimited', 429, 'slow down'), { 'retry-after': new Date(Date.now() - 1000).toUTCString() }),
    )
    const client = new Client({ apiUrl: server.url })
    assert.deepEqual(await client.getConversation({ id: seconds.id }), conversation)
    assert.deepEqual(await client.getConversation({ id: date.id }), conversation)
    assert.equal(seconds.requests().length, 2)
    assert.equal(date.requests().length, 2)
  })

  test('Retry-After is honoured up to the cap', async () => {
    const s = scenario(1, (res) => sendJson(res, 429, botpressError('RateLimited', 429, 'slow down'), { 'retry-after': '3600' }))
    const client = new Client({ apiUrl: server.url, retry: { maxDelay: 60 } })
    assert.deepEqual(await client.getConversation({ id: s.id }), conversation)
    const [first, second] = s.requests()
    assert.ok(second.at - first.at >= 50, 'waited for the capped Retry-After')
  })

  test('a wait longer than the time left fails at once with the last error', async () => {
    const s = scenario(5, (res) => sendJson(res, 429, botpressError('RateLimited', 429, 'slow down'), { 'retry-after': '30' }))
    const error = await rejection(() => new Client({ apiUrl: server.url, timeout: 2_000 }).getConversation({ id: s.id }))
    assert.ok(error instanceof RateLimitedError)
    assert.equal(s.requests().length, 1)
  })

  test('a dropped connection is retried', async () => {
    const s = scenario(1, (res) => res.socket?.destroy())
    assert.deepEqual(await new Client({ apiUrl: server.url, retry: fast }).getConversation({ id: s.id }), conversation)
    assert.equal(s.requests().length, 2)
  })

  test('operations that could duplicate a write are not retried by default', async () => {
    let posts = 0
    const flaky = await startLoopback((_req, res) => void (posts++, res.writeHead(503).end()))
    try {
      const error = await rejection(() => new Client({ apiUrl: flaky.url }).createMessage({ conversationId: 'c', userId: 'u', type: 'text', payload: {}, tags: {} }))
      assert.equal(error.response?.status, 503)
      assert.equal(posts, 1)
    } finally {
      await flaky.close()
    }
  })

  test('retry: false turns retries off; 4xx errors are never retried by default', async () => {
    const off = scenario(1, unavailable)
    await rejection(() => new Client({ apiUrl: server.url, retry: false }).getConversation({ id: off.id }))
    assert.equal(off.requests().length, 1)
    const notFound = scenario(1, (res) => sendJson(res, 404, botpressError('ResourceNotFound', 404, 'no')))
    await rejection(() => new Client({ apiUrl: server.url }).getConversation({ id: notFound.id }))
    assert.equal(notFound.requests().length, 1)
  })

  test('the official retry shape: retries, retryCondition(err) and retryDelay(count, err)', async () => {
    const s = scenario(2, (res) => sendJson(res, 500, botpressError('Internal', 500, 'oops')))
    const calls: string[] = []
    const client = new Client({
      apiUrl: server.url,
      retry: {
        retries: 1,
        retryCondition: (err) => (calls.push(`condition ${err.type}`), true),
        retryDelay: (count, err) => (calls.push(`delay ${count} ${err.code}`), 1),
      },
    })
    const error = await rejection(() => client.getConversation({ id: s.id }))
    assert.ok(error instanceof InternalError)
    assert.equal(s.requests().length, 2)
    assert.deepEqual(calls, ['condition Internal', 'delay 1 500'])
  })
})

describe('debug', () => {
  test('logs one line per request and one per response, with the token redacted', async () => {
    const server = await startLoopback((_req, res) => sendJson(res, 200, conversation, { 'x-request-id': 'req_dbg' }))
    const lines: string[] = []
    const original = console.debug
    console.debug = (line: string) => void lines.push(line)
    try {
      await new Client({ apiUrl: server.url, token: 'very-secret-token', debug: true }).getConversation({ id: 'dbg' })
    } finally {
      console.debug = original
      await server.close()
    }
    assert.equal(lines.length, 2)
    assert.match(lines[0], /→ GET http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/conversations\/dbg/)
    assert.match(lines[0], /Bearer <redacted>/)
    assert.match(lines[1], /← 200 GET .* request-id=req_dbg/)
    assert.ok(lines.every((line) => !line.includes('very-secret-token')))
  })
})

describe('debug failures and odd bodies', () => {
  test('a failed attempt is one line too, and multi-line bodies stay on one line', async () => {
    const server = await startLoopback((_req, res) => void res.writeHead(400, { 'content-type': 'application/json' }).end('{\n  "type": "InvalidPayload",\n  "message": "bad"\n}'))
    const closed = await startLoopback(() => {})
    await closed.close()
    const lines: string[] = []
    const original = console.debug
    console.debug = (line: string) => void lines.push(line)
    try {
      await rejection(() => new Client({ apiUrl: server.url, debug: true }).createConversation({ channel: 'c', tags: {} }))
      await rejection(() => new Client({ apiUrl: closed.url, debug: true, retry: false }).getConversation({ id: 'x' }))
    } finally {
      console.debug = original
      await server.close()
    }
    assert.equal(lines.length, 4)
    assert.match(lines[0], /→ POST .* body=\{"channel":"c","tags":\{\}\}/)
    assert.match(lines[1], /← 400 POST .* body=\{ "type": "InvalidPayload", "message": "bad" \}/)
    assert.match(lines[3], /✗ GET .*conversations\/x/)
    assert.ok(lines.every((line) => !line.includes('\n')))
  })
})
