import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { createRequire } from 'node:module'
import { join, dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sendJson, startLoopback } from './helpers/loopback.js'

const require = createRequire(import.meta.url)
const packageDir = dirname(require.resolve('@bpkit/client/package.json'))
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
const browserEntry = join(packageDir, manifest.exports['.'].browser.default)

test('the browser build imports no Node built-in', () => {
  const code = readFileSync(browserEntry, 'utf8')
  const specifiers = [...code.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1])
  const builtins = new Set(builtinModules)
  const offending = specifiers.filter((s) => s.startsWith('node:') || builtins.has(s) || builtins.has(s.split('/')[0]))
  assert.deepEqual(offending, [])
  assert.deepEqual(specifiers, [], 'the browser build is self-contained')
  assert.doesNotMatch(code, /\bBuffer\b|__dirname|require\(/)
})

test('the browser build works on its own, with fetch', async () => {
  const server = await startLoopback((_req, res) => sendJson(res, 200, { conversation: { id: 'c' } }))
  try {
    const { Client } = await import(pathToFileURL(browserEntry).href)
    assert.deepEqual(await new Client({ apiUrl: server.url }).getConversation({ id: 'c' }), { conversation: { id: 'c' } })
  } finally {
    await server.close()
  }
})

test('the CommonJS build loads with require and has every operation', () => {
  const cjs = require('@bpkit/client') as typeof import('@bpkit/client')
  const client = new cjs.Client({ token: 't' })
  assert.equal(typeof client.getConversation, 'function')
  assert.equal(typeof new cjs.runtime.Client({ token: 't', botId: 'b' }).getOrCreateUser, 'function')
  assert.ok(new cjs.ResourceNotFoundError('x') instanceof cjs.BaseApiError)
})
