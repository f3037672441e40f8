/**
 * Regressions of what the fuzzer (test/fuzz/) and a user's generated traffic found: each class fixed at its
 * root, each answered with a 4xx Botpress error naming the field, never a 500.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type TestServer } from '@bpkit/server'
import { assertErrorEnvelope, raw } from './admin-support.js'
import { rawExchange } from './fuzz/raw-http.js'
import { describeEachStore, stores } from './support.js'

const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]))
const tagQuery = (tags: Record<string, string>) => Object.entries(tags).map(([k, v]) => `tags.${k}=${v}`).join('&')

for (const store of stores) {
  describe(`a thousand tags: the SQL condition stays shallow (${store.name})`, () => {
    let server: TestServer
    before(async () => {
      server = await startTestServer({ database: store.database, maxTags: 2000 })
    })
    after(() => server.close())

    it('get-or-create and list match on 1000 tags', async () => {
      const tags = manyTags(1000)
      const first = await raw(server, 'POST', '/v1/chat/users/get-or-create', { body: { tags } })
      assert.equal(first.status, 200, JSON.stringify(first.body))
      const again = await raw(server, 'POST', '/v1/chat/users/get-or-create', { body: { tags } })
      assert.equal(again.body.user.id, first.body.user.id)
      const listed = await raw(server, 'GET', `/v1/chat/users?${tagQuery(tags)}`)
      assert.equal(listed.status, 200, JSON.stringify(listed.body))
      assert.deepEqual(listed.body.users.map((u: { id: string }) => u.id), [first.body.user.id])
      const conversation = await raw(server, 'POST', '/v1/chat/conversations/get-or-create', { body: { channel: 'c', tags } })
      assert.equal(conversation.status, 200, JSON.stringify(conversation.body))
    })

    it('file, knowledge base and table lists filter on 1000 tags', async () => {
      const query = tagQuery(manyTags(1000))
      for (const path of ['/v1/files', '/v1/files/knowledge-bases', '/v1/tables']) {
        const listed = await raw(server, 'GET', `${path}?${query}`)
        assert.equal(listed.status, 200, `${path}: ${JSON.stringify(listed.body)}`)
      }
    })

    it('a table filter of 500 conditions', async () => {
      assert.equal((await raw(server, 'POST', '/v1/tables/many', { body: { schema: { type: 'object', properties: { n: { type: 'number' } } } } })).status, 200)
      const filter = { $and: Array.from({ length: 500 }, (_, i) => ({ n: { $ne: i } })) }
      const found = await raw(server, 'POST', '/v1/tables/many/rows/find', { body: { filter } })
      assert.equal(found.status, 200, JSON.stringify(found.body))
    })
  })
}

describeEachStore('limits and names: prototype keys, tag counts, numbers', ({ server }) => {
  it('more tags than BPKIT_MAX_TAGS is a 400 naming "tags"', async () => {
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/users', { body: { tags: manyTags(201) } }), 400, 'InvalidPayload', /"tags" must NOT have more than 200 tags/)
    assertErrorEnvelope(await raw(server(), 'GET', `/v1/chat/conversations?${tagQuery(manyTags(201))}`), 400, 'InvalidPayload', /query: "tags"/)
    assert.equal((await raw(server(), 'POST', '/v1/chat/users', { body: { tags: manyTags(200) } })).status, 201)
  })

  it('findTableRows orderBy a built-in JavaScript property name is an unknown column', async () => {
    assert.equal((await raw(server(), 'POST', '/v1/tables/protos', { body: { schema: { type: 'object', properties: { a: { type: 'string' } } } } })).status, 200)
    for (const orderBy of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/protos/rows/find', { body: { orderBy } }), 400, 'InvalidQuery', new RegExp(`orderBy: unknown column "${orderBy}"`))
    }
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/protos/rows/find', { body: { filter: { constructor: 'x' } } }), 400, 'InvalidQuery', /"constructor"/)
  })

  it('discriminateByTags naming a prototype property is not among the tags', async () => {
    const response = await raw(server(), 'POST', '/v1/chat/users/get-or-create', { body: { tags: { a: 'b' }, discriminateByTags: ['constructor'] } })
    assertErrorEnvelope(response, 400, 'InvalidPayload', /"discriminateByTags" names the tag "constructor"/)
  })

  it('a body nested past BPKIT_MAX_JSON_DEPTH is a 400, before any recursive walk of it', async () => {
    for (const depth of [65, 20_000, 100_000]) {
      const body = `{"tags":{},"name":"n","pictureUrl":"p","x":${'['.repeat(depth)}${']'.repeat(depth)}}`
      assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/users', { body }), 400, 'InvalidPayload', /nested more than 64 levels/)
    }
    const strings = `{"tags":{"a":"${'['.repeat(400)}\\\""}}`
    assert.equal((await raw(server(), 'POST', '/v1/chat/users', { body: strings })).status, 201, 'brackets inside strings do not count')
    const deepButAllowed = `{"type":"t","payload":{"x":${'['.repeat(60)}${']'.repeat(60)}}}`
    assert.equal((await raw(server(), 'POST', '/v1/chat/events', { body: deepButAllowed })).status, 201)
  })

  it('numbers past what the store holds, and 1e999 (Infinity), are a 400 naming the field', async () => {
    assert.equal((await raw(server(), 'POST', '/v1/tables/numbers', { body: { schema: { type: 'object', properties: { n: { type: 'number' } } } } })).status, 200)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/numbers/rows/find', { body: { offset: 1e300 } }), 400, 'InvalidPayload', /"offset" must be <=/)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/numbers/rows/find', { body: '{"offset": 1e999}' }), 400, 'InvalidPayload', /"offset"/)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/numbers/rows', { body: '{"rows": [{"n": 1e999}]}' }), 400, 'InvalidPayload', /"rows\.0\.n" must be a finite number/)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/events', { body: { type: 't', payload: {}, schedule: { delay: 1e300 } } }), 400, 'InvalidPayload', /"schedule\.delay"/)
    // Within a safe integer but past the last date a Date holds: still the field, not a RangeError.
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/events', { body: { type: 't', payload: {}, schedule: { delay: 9e15 } } }), 400, 'InvalidPayload', /"schedule\.delay" must be a date between/)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/events', { body: { type: 't', payload: {}, schedule: { dateTime: '+275760-09-13T00:00:00.000Z' } } }), 400, 'InvalidPayload', /"schedule\.dateTime"/)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/chat/events', { body: '{"type": "t", "payload": {"n": -1e999}}' }), 400, 'InvalidPayload', /"payload\.n" must be a finite number/)
    assertErrorEnvelope(await raw(server(), 'GET', '/v1/chat/users?limit=1e999'), 400, 'InvalidPayload', /"limit"|unknown field/)
  })
})

describeEachStore('numbers the schema allows but an integer column does not hold', ({ server }) => {
  it('a fractional table factor is a 400 naming "factor" (PostgreSQL answered 500)', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } }
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables', { body: { name: 'factorTable', factor: 1.5, schema } }), 400, 'InvalidPayload', /"factor" must be a whole number/)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/factorTable2', { body: { factor: 2.5, schema } }), 400, 'InvalidPayload', /"factor"/)
    assert.equal((await raw(server(), 'POST', '/v1/tables/factorTable3', { body: { factor: 2, schema } })).status, 200)
    assertErrorEnvelope(await raw(server(), 'POST', '/v1/tables/factorTable3/duplicate', { body: { tableName: 'factorCopy', factor: 6.36 } }), 400, 'InvalidPayload', /"factor"/)
    assertErrorEnvelope(await raw(server(), 'PUT', '/v1/tables/factorTable3', { body: { factor: 3.5 } }), 400, 'InvalidPayload', /"factor"/)
  })

  it('a fractional state expiry is kept as whole milliseconds (PostgreSQL answered 500)', async () => {
    const path = `/v1/chat/states/bot/${server().botId}/fractional`
    const set = await raw(server(), 'POST', path, { body: { payload: {}, expiry: 1000.4 } })
    assert.equal(set.status, 200, JSON.stringify(set.body))
    const orSet = await raw(server(), 'POST', `${path}-2/get-or-set`, { body: { payload: {}, expiry: 1.0000000000000002 } })
    assert.equal(orSet.status, 200, JSON.stringify(orSet.body))
    const expiry = await raw(server(), 'POST', `${path}/expiry`, { body: { expiry: 2000.7 } })
    assert.equal(expiry.status, 200, JSON.stringify(expiry.body))
  })
})

describe('the HTTP layer answers in the Botpress envelope', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ headerLimit: 8 * 1024 })
  })
  after(() => server.close())

  const head = (requestLine: string, extra = '') => `${requestLine}\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\nx-bot-id: ${server.botId}\r\n${extra}`
  const assertEnvelope = (body: string, status: number, type: string) => {
    const parsed = JSON.parse(body) as Record<string, unknown>
    assert.deepEqual(Object.keys(parsed).sort(), ['code', 'id', 'message', 'type'])
    assert.equal(parsed.code, status)
    assert.equal(parsed.type, type)
  }

  it('headers past BPKIT_HEADER_LIMIT: 431 with the envelope, an x-request-id and Connection: close', async () => {
    const response = await rawExchange(server.url, `${head('GET /v1/chat/users HTTP/1.1', `x-big: ${'a'.repeat(10_000)}\r\n`)}\r\n`)
    assert.equal(response.status, 431)
    assertEnvelope(response.body, 431, 'PayloadTooLarge')
    assert.match(response.headers['x-request-id'] ?? '', /^req_/)
    assert.equal(response.headers.connection, 'close')
    assert.ok(response.closedByServer)
  })

  it('a path past the limit is the same 431', async () => {
    const response = await rawExchange(server.url, `${head(`GET /v1/chat/users/${'x'.repeat(10_000)} HTTP/1.1`)}\r\n`)
    assert.equal(response.status, 431)
    assertEnvelope(response.body, 431, 'PayloadTooLarge')
  })

  it('a malformed request line, header or chunk: 400 with the envelope and Connection: close', async () => {
    for (const request of ['GARBAGE\r\n\r\n', 'GET /healthz HTTP/1.1\r\nBad Header: y\r\n\r\n', `${head('POST /v1/chat/users HTTP/1.1', 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n')}\r\nzz\r\n`]) {
      const response = await rawExchange(server.url, request)
      assert.equal(response.status, 400, JSON.stringify(request))
      assertEnvelope(response.body, 400, 'InvalidPayload')
      assert.match(response.headers['x-request-id'] ?? '', /^req_/)
      assert.equal(response.headers.connection, 'close')
    }
  })

  it('a compressed body is 415, an empty JSON body and a __proto__ key are 400, all with the request id', async () => {
    const post = (headers: Record<string, string>, body: string) => raw(server, 'POST', '/v1/chat/users', { headers, body })
    const gzip = await post({ 'content-encoding': 'gzip' }, '{"tags":{}}')
    assertErrorEnvelope(gzip, 415, 'UnsupportedMediaType', /Content-Encoding "gzip"/)
    assert.match(gzip.headers.get('x-request-id') ?? '', /^req_/)
    for (const body of ['', '{"tags":{},"__proto__":{"x":1}}', '{"tags":{"constructor":{"prototype":{}}}}']) {
      const response = await post({}, body)
      assertErrorEnvelope(response, 400, 'InvalidPayload')
      assert.match(response.headers.get('x-request-id') ?? '', /^req_/)
    }
  })

  it('keeps answering: /healthz after all of the above', async () => {
    const response = await fetch(`${server.url}/healthz`)
    assert.equal(response.status, 200)
  })
})
