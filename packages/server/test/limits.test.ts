/**
 * Traffic limits: requests in flight per token, and rates per token and per bot, answering 429 RateLimited
 * with Retry-After in the Botpress envelope. All are off or generous by default; these servers set them low.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { resolveConfig } from '../src/config.js'
import { startTestServer, type TestServer } from '@bpkit/server'
import { assertErrorEnvelope, createOtherAccount, raw } from './admin-support.js'
import { stores } from './support.js'

const assertRateLimited = (response: Awaited<ReturnType<typeof raw>>, message: RegExp) => {
  assertErrorEnvelope(response, 429, 'RateLimited', message)
  assert.ok(Number(response.headers.get('retry-after')) >= 1, `Retry-After: ${response.headers.get('retry-after')}`)
  assert.match(response.headers.get('x-request-id') ?? '', /^req_/)
}

describe('limits: defaults', () => {
  it('rates are off and concurrency is generous unless configured', () => {
    const config = resolveConfig({}, {})
    assert.equal(config.rateLimitPerToken, 0)
    assert.equal(config.rateLimitPerBot, 0)
    assert.equal(config.maxConcurrentPerToken, 256)
    assert.equal(config.maxTags, 200)
    assert.equal(config.maxJsonDepth, 64)
    assert.equal(config.headerLimit, 16 * 1024)
    assert.equal(config.maxFilterDepth, 32)
    const set = resolveConfig({}, { BPKIT_RATE_LIMIT_PER_TOKEN: '60', BPKIT_RATE_LIMIT_PER_BOT: '600', BPKIT_MAX_CONCURRENT_PER_TOKEN: '8', BPKIT_MAX_TAGS: '50', BPKIT_MAX_JSON_DEPTH: '10', BPKIT_HEADER_LIMIT: '4096', BPKIT_MAX_FILTER_DEPTH: '5' })
    assert.deepEqual([set.rateLimitPerToken, set.rateLimitPerBot, set.maxConcurrentPerToken, set.maxTags, set.maxJsonDepth, set.headerLimit, set.maxFilterDepth], [60, 600, 8, 50, 10, 4096, 5])
    assert.throws(() => resolveConfig({}, { BPKIT_MAX_FILTER_DEPTH: '0' }), /BPKIT_MAX_FILTER_DEPTH/)
  })
})

/** A filter on column `n` nested `levels` deep in `$not`s (an even count keeps its meaning: n = 1). */
const notNested = (levels: number): object => (levels === 0 ? { n: 1 } : { $not: notNested(levels - 1) })

for (const store of stores) {
  describe(`limits: table filter depth (${store.name})`, () => {
    const servers: TestServer[] = []
    const serve = async (options: { maxFilterDepth?: number }) => {
      const server = await startTestServer({ database: store.database, ...options })
      servers.push(server)
      const created = await raw(server, 'POST', '/v1/tables/depthTable', { body: { schema: { type: 'object', properties: { n: { type: 'number' } } } } })
      assert.ok(created.status < 300, JSON.stringify(created.body))
      assert.equal((await raw(server, 'POST', '/v1/tables/depthTable/rows', { body: { rows: [{ n: 1 }, { n: 2 }] } })).status, 200)
      return server
    }
    const find = (server: TestServer, filter: object) => raw(server, 'POST', '/v1/tables/depthTable/rows/find', { body: { filter } })
    after(() => Promise.all(servers.map((s) => s.close())))

    it('a filter deeper than maxFilterDepth is 400 InvalidQuery naming the limit; one at the limit runs, on findTableRows and deleteTableRows', async () => {
      const server = await serve({ maxFilterDepth: 4 })
      const within = await find(server, notNested(4))
      assert.equal(within.status, 200, JSON.stringify(within.body))
      assert.deepEqual((within.body as { rows: { n: number }[] }).rows.map((r) => r.n), [1])
      assertErrorEnvelope(await find(server, notNested(5)), 400, 'InvalidQuery', /nest at most 4 levels deep \(the limit is BPKIT_MAX_FILTER_DEPTH\)/)
      const deleted = await raw(server, 'POST', '/v1/tables/depthTable/rows/delete', { body: { filter: notNested(6) } })
      assertErrorEnvelope(deleted, 400, 'InvalidQuery', /nest at most 4 levels deep/)
      assert.equal(((await find(server, {})).body as { rows: unknown[] }).rows.length, 2, 'the refused delete removed nothing')
    })

    it('the default is 32 levels: 32 pass, 33 do not', async () => {
      const server = await serve({})
      assert.equal((await find(server, notNested(32))).status, 200)
      assertErrorEnvelope(await find(server, notNested(33)), 400, 'InvalidQuery', /nest at most 32 levels deep/)
    })
  })
}

describe('limits: requests a minute per token', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ rateLimitPerToken: 5 })
  })
  after(() => server.close())

  it('the sixth request of a minute is 429 RateLimited with Retry-After; another token is not held back', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await raw(server, 'GET', '/v1/admin/workspaces')).status, 200)
    assertRateLimited(await raw(server, 'GET', '/v1/admin/workspaces'), /5 a minute \(BPKIT_RATE_LIMIT_PER_TOKEN\)/)
    const other = await createOtherAccount(server)
    assert.equal((await raw(server, 'GET', '/v1/admin/workspaces', { token: other.token })).status, 200)
  })
})

describe('limits: requests a minute per bot', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ rateLimitPerBot: 3 })
  })
  after(() => server.close())

  it("a stranger naming the bot does not spend its allowance; the bot's fourth request is 429", async () => {
    const other = await createOtherAccount(server)
    for (let i = 0; i < 5; i++) {
      assertErrorEnvelope(await raw(server, 'GET', '/v1/chat/users', { token: other.token, headers: { 'x-workspace-id': other.workspaceId } }), 404, 'ResourceNotFound')
    }
    for (let i = 0; i < 3; i++) assert.equal((await raw(server, 'GET', '/v1/chat/users')).status, 200)
    assertRateLimited(await raw(server, 'GET', '/v1/chat/users'), new RegExp(`bot "${server.botId}": the limit is 3 a minute`))
    assert.equal((await raw(server, 'GET', '/v1/chat/users', { token: other.token, headers: { 'x-workspace-id': other.workspaceId, 'x-bot-id': other.botId } })).status, 200, 'another bot is not held back')
  })
})

describe('limits: requests in flight per token', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ maxConcurrentPerToken: 1 })
  })
  after(() => server.close())

  it('while one request is in flight a second of the same token is 429; once it ends, the next is admitted', async () => {
    // A request whose body has not finished arriving stays in flight.
    const socket = connect({ host: '127.0.0.1', port: server.server.port })
    const answered = new Promise<string>((resolve) => {
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk.toString()
        if (text.includes('\r\n\r\n')) resolve(text)
      })
    })
    const body = JSON.stringify({ tags: {} })
    await new Promise<void>((resolve) => socket.on('connect', resolve))
    socket.write(`POST /v1/chat/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\nx-bot-id: ${server.botId}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 3)}`)
    // The server has read the head (and taken the slot) once a request of another token is answered after it.
    const other = await createOtherAccount(server)
    let limited: Awaited<ReturnType<typeof raw>> | undefined
    for (let attempt = 0; attempt < 50 && !limited; attempt++) {
      assert.equal((await raw(server, 'GET', '/v1/admin/workspaces', { token: other.token })).status, 200)
      const response = await raw(server, 'GET', '/v1/admin/workspaces')
      if (response.status === 429) limited = response
    }
    assert.ok(limited, 'a second request of the token was admitted while the first was in flight')
    assertRateLimited(limited, /at most 1 at once \(BPKIT_MAX_CONCURRENT_PER_TOKEN\)/)
    socket.write(body.slice(3))
    assert.match(await answered, /^HTTP\/1\.1 201/)
    socket.destroy()
    assert.equal((await raw(server, 'GET', '/v1/admin/workspaces')).status, 200)
  })
})
