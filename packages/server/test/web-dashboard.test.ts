/**
 * Serving the dashboard (WEB-CONTRACT.md "Serving"): its built files at `/`, `index.html` for any other page
 * path, while the API, auth, live, webhook and `/_bpkit` paths keep their own answers (a Botpress 404 JSON).
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { startTestServer } from '@bpkit/server'
import { describeEachStore } from './support.js'
import { assertBotpressError, web } from './web-support.js'

const dist = mkdtempSync(join(tmpdir(), 'bpkit-dashboard-'))
mkdirSync(join(dist, 'assets'))
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>bpkit dashboard fixture</title><div id="root"></div>')
writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log("dashboard")')
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
writeFileSync(join(tmpdir(), 'bpkit-outside-the-dashboard.txt'), 'secret outside')
after(() => rmSync(dist, { recursive: true, force: true }))

describeEachStore(
  'web dashboard serving',
  ({ server }) => {
    it('serves index.html at / and for any page path (SPA fallback)', async () => {
      for (const path of ['/', '/bots/bot_123/conversations', '/workspaces?tab=members']) {
        const response = await fetch(`${server().url}${path}`)
        assert.equal(response.status, 200, path)
        assert.match(response.headers.get('content-type')!, /text\/html/)
        assert.match(await response.text(), /bpkit dashboard fixture/)
      }
    })

    it('serves the built files with their types; hashed assets are immutable', async () => {
      const js = await fetch(`${server().url}/assets/app-1234.js`)
      assert.equal(js.status, 200)
      assert.match(js.headers.get('content-type')!, /javascript/)
      assert.match(js.headers.get('cache-control')!, /immutable/)
      assert.equal(await js.text(), 'console.log("dashboard")')
      const svg = await fetch(`${server().url}/favicon.svg`)
      assert.equal(svg.status, 200)
      assert.match(svg.headers.get('content-type')!, /svg/)
    })

    it('a missing file is a 404, not the page; no path leaves the folder', async () => {
      assert.equal((await fetch(`${server().url}/assets/missing.js`)).status, 404)
      for (const path of ['/..%2fbpkit-outside-the-dashboard.txt', '/%2e%2e/bpkit-outside-the-dashboard.txt', '/assets/..%2f..%2fbpkit-outside-the-dashboard.txt']) {
        const response = await fetch(`${server().url}${path}`)
        assert.doesNotMatch(await response.text(), /secret outside/, path)
      }
    })

    it('API, auth, live, webhook and /_bpkit paths keep their own answers', async () => {
      assertBotpressError(await web(server(), undefined, '/v1/chat/nothing-here'), 404, 'ResourceNotFound')
      assertBotpressError(await web(server(), undefined, '/_bpkit/nothing'), 404, 'ResourceNotFound')
      assertBotpressError(await web(server(), undefined, '/auth/nothing'), 404, 'ResourceNotFound')
      assertBotpressError(await web(server(), undefined, '/webhooks/whk_nope'), 404, 'ResourceNotFound')
      assertBotpressError(await web(server(), undefined, '/live?botId=x'), 401, 'Unauthorized')
      assertBotpressError(await web(server(), undefined, '/auth/session'), 401, 'Unauthorized')
      assertBotpressError(await web(server(), undefined, '/v1/admin/account/me'), 401, 'Unauthorized')
      assert.equal((await web(server(), undefined, '/healthz')).body.status, 'ok')
    })
  },
  { dashboardDir: dist },
)

describe('web dashboard serving without a dashboard build', () => {
  it('/ answers a Botpress 404 when the folder does not exist', async () => {
    const server = await startTestServer({ dashboardDir: join(dist, 'does-not-exist') })
    try {
      assertBotpressError(await web(server, undefined, '/'), 404, 'ResourceNotFound')
      assertBotpressError(await web(server, undefined, '/bots/x'), 404, 'ResourceNotFound')
    } finally {
      await server.close()
    }
  })
})
