import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as bpkit from '@bpkit/client'
import {
  adminOperations,
  billingOperations,
  filesOperations,
  pathParameters,
  publicOperations,
  runtimeOperations,
  tablesOperations,
  type OperationTable,
} from '@bpkit/spec'
import { apiSchemas } from '@bpkit/spec/schemas'
import { sendJson, startLoopback, type Loopback } from './helpers/loopback.js'
import { queryEntries, sample } from './helpers/sample.js'

type AnyClient = Record<string, (input: object) => Promise<unknown>>

const apis = [
  { name: 'public', table: publicOperations, Client: bpkit.Client },
  { name: 'runtime', table: runtimeOperations, Client: bpkit.runtime.Client },
  { name: 'admin', table: adminOperations, Client: bpkit.admin.Client },
  { name: 'files', table: filesOperations, Client: bpkit.files.Client },
  { name: 'tables', table: tablesOperations, Client: bpkit.tables.Client },
  { name: 'billing', table: billingOperations, Client: bpkit.billing.Client },
] as const

let server: Loopback
let unavailable: Loopback
before(async () => {
  server = await startLoopback((_req, res) => sendJson(res, 200, { ok: true }))
  unavailable = await startLoopback((_req, res) => sendJson(res, 503, {}))
})
after(() => Promise.all([server.close(), unavailable.close()]))

for (const { name, table, Client } of apis) {
  test(`${name}: every operation sends the method, path, query, headers and body its schema describes`, async () => {
    const schemas = apiSchemas[name]
    const client = new Client({ apiUrl: server.url, token: 'tok', botId: 'bot', workspaceId: 'ws', retry: false }) as unknown as AnyClient
    const operations = Object.entries(table as OperationTable)
    assert.deepEqual(Object.keys(schemas.operations).sort(), operations.map(([op]) => op).sort())

    for (const [op, def] of operations) {
      const s = schemas.operations[op]
      const parts = { path: sample(s.path, schemas), query: sample(s.query, schemas), headers: sample(s.headers, schemas), body: sample(s.body, schemas) }
      const pick = (part: keyof typeof parts) => (s[part] ? (parts[part] as Record<string, unknown>) : {})
      const input = { ...pick('path'), ...pick('query'), ...pick('headers'), ...pick('body'), notAField: 'never sent' }

      assert.deepEqual(await client[op](input), { ok: true }, op)
      const req = server.requests.at(-1)!

      assert.equal(req.method, def.method.toUpperCase(), `${op} method`)
      const expectedPath = def.path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(String(pick('path')[p])))
      assert.deepEqual(pathParameters(def.path).sort(), Object.keys(pick('path')).sort(), `${op} path parameters`)
      assert.equal(req.path, expectedPath, `${op} path`)

      const expectedQuery = Object.entries(pick('query')).flatMap(([k, v]) => queryEntries(k, v))
      assert.deepEqual([...req.query.entries()], expectedQuery, `${op} query`)

      for (const [header, value] of Object.entries(pick('headers'))) assert.equal(req.headers[header], String(value), `${op} header ${header}`)

      if (s.body) {
        assert.equal(req.headers['content-type'], 'application/json', `${op} content type`)
        assert.deepEqual(JSON.parse(req.body), pick('body'), `${op} body: exactly the body fields`)
      } else {
        assert.equal(req.body, '', `${op} sends no body`)
      }
      assert.ok(!req.url.includes('notAField') && !req.body.includes('notAField'), `${op} leaves unknown keys out`)
    }
  })
}

for (const { name, table, Client } of apis) {
  test(`${name}: by default exactly the operations the table marks retry-safe are retried`, async () => {
    const client = new Client({ apiUrl: unavailable.url, token: 'tok', botId: 'bot', workspaceId: 'ws', retry: { retryDelay: () => 0 } }) as unknown as AnyClient
    for (const [op, def] of Object.entries(table as OperationTable)) {
      const input = Object.fromEntries(pathParameters(def.path).map((p) => [p, 'x']))
      const before = unavailable.requests.length
      await assert.rejects(client[op](input))
      assert.equal(unavailable.requests.length - before, def.retrySafe ? 3 : 1, op)
    }
  })
}
