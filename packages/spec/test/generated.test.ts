import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { apiDefaults, errorCatalogue, publicOperations, runtimeOperations, billingOperations, pathParameters } from '@bpkit/spec'

const specDir = join(import.meta.dirname, '..')

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`],
  )
}

test('committed generated files match a fresh generation from the pinned @botpress/api', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'bpkit-spec-'))
  try {
    execFileSync(process.execPath, ['--import', 'tsx', join(specDir, 'scripts', 'generate.ts'), fresh], { cwd: specDir })
    const committedDir = join(specDir, 'src', 'gen')
    assert.deepEqual(listFiles(fresh).sort(), listFiles(committedDir).sort())
    for (const file of listFiles(fresh)) {
      const same = readFileSync(join(fresh, file), 'utf8') === readFileSync(join(committedDir, file), 'utf8')
      assert.ok(same, `src/gen/${file} is stale: run \`npm run generate\``)
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true })
  }
})

test('the public API has 188 operations and the catalogue 26 error types', () => {
  assert.equal(Object.keys(publicOperations).length, 188)
  assert.equal(errorCatalogue.length, 26)
  assert.deepEqual(
    errorCatalogue.find((e) => e.type === 'ResourceNotFound'),
    { type: 'ResourceNotFound', status: 404, description: 'The requested resource does not exist.' },
  )
})

test('operation entries say where each input field travels', () => {
  assert.deepEqual(publicOperations.getConversation, { method: 'get', path: '/v1/chat/conversations/{id}', status: 200, retrySafe: true })
  assert.deepEqual(pathParameters(publicOperations.getParticipant.path), ['id', 'userId'])
  assert.ok(publicOperations.listConversations.query.includes('participantIds'))
  assert.deepEqual(publicOperations.copyFile.headers, ['x-destination-bot-id'])
  assert.equal(publicOperations.createConversation.status, 201)
  // Writes that could duplicate are not retry-safe; get-or-create and reads sent as POST are.
  assert.equal('retrySafe' in publicOperations.createMessage, false)
  assert.equal(publicOperations.getOrCreateUser.retrySafe, true)
  assert.equal(publicOperations.findTableRows.retrySafe, true)
})

test('sub-APIs take their default headers from configuration, not from the input', () => {
  assert.deepEqual(apiDefaults.runtime.defaultHeaders, ['x-bot-id', 'x-integration-id', 'x-integration-alias'])
  assert.equal(Object.keys(runtimeOperations).length, 48)
  assert.equal('headers' in runtimeOperations.getConversation, false)
  assert.equal(Object.keys(billingOperations).length, 10)
})
