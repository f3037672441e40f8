/**
 * The spec-driven fuzzer (test/fuzz/) in the test suite: a fixed seed and a bounded run, about a minute on
 * SQLite (and on PostgreSQL when BPKIT_TEST_POSTGRES_URL is set): the API's operations, then the file upload and
 * download URLs. Longer runs: `npm run fuzz -- --seed N --requests M`.
 */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer } from '@bpkit/server'
import { describeReport, runFuzz } from './fuzz/run.js'
import { changedTables, fingerprint } from './fuzz/unchanged.js'
import { raw } from './admin-support.js'
import { stores } from './support.js'

const SEED = 20261201
const REQUESTS = 10_000
const TIME_LIMIT_MS = 50_000
const URL_REQUESTS = 1_500
const URL_TIME_LIMIT_MS = 12_000

for (const store of stores) {
  it(`fuzz: ${REQUESTS} generated requests over every operation and principal, then ${URL_REQUESTS} to the file URLs, seed ${SEED} (${store.name})`, { timeout: 5 * 60_000 }, async (t) => {
    const report = await runFuzz({ seed: SEED, requests: REQUESTS, timeLimitMs: TIME_LIMIT_MS, urlRequests: URL_REQUESTS, urlTimeLimitMs: URL_TIME_LIMIT_MS, database: store.database })
    const summary = describeReport(report)
    for (const line of summary.split('\n')) t.diagnostic(line)
    assert.equal(report.failure, undefined, summary)
    assert.ok(report.requests - report.urlRequests >= 500, `only ${report.requests - report.urlRequests} API requests ran:\n${summary}`)
    assert.ok(report.urlRequests >= 300, `only ${report.urlRequests} file URL requests ran:\n${summary}`)
    assert.equal(report.serverErrors, 0, summary)
    assert.equal(report.nonEnvelope, 0, summary)
    assert.equal(report.leaks, 0, summary)
  })
}

it('fuzz: the "a rejected request changes nothing" check notices a write, and not a rejection', async () => {
  const server = await startTestServer()
  try {
    const before = await fingerprint(server)
    assert.equal((await raw(server, 'POST', '/v1/chat/users', { body: { tags: {}, bogus: 1 } })).status, 400)
    assert.deepEqual(changedTables(before, await fingerprint(server)), [])
    assert.equal((await raw(server, 'POST', '/v1/chat/users', { body: { tags: {} } })).status, 201)
    assert.deepEqual(changedTables(before, await fingerprint(server)), ['users'])
  } finally {
    await server.close()
  }
})
