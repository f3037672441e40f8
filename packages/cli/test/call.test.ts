import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { publicOperations } from '@bpkit/spec'
import { startTestServer, type TestServer } from '@bpkit/server'

const cli = join(import.meta.dirname, '..', 'dist', 'index.js')

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

/** Runs the CLI asynchronously: the test server lives in this process and must keep answering. */
function bpkit(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const env = {
    PATH: process.env.PATH ?? '',
    BP_API_URL: server.url,
    BP_TOKEN: server.token,
    BP_WORKSPACE_ID: server.workspaceId,
    BP_BOT_ID: server.botId,
    ...options.env,
  }
  const child = spawn(process.execPath, [cli, ...args], { env })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.end(options.input ?? '')
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  )
}

test('call prints the result of an operation as pretty JSON', async () => {
  const created = await bpkit(['call', 'createUser', '{"tags":{},"name":"Ada"}'])
  assert.equal(created.code, 0, created.stderr)
  assert.match(created.stdout, /\n  "user": \{\n/)
  const { user } = JSON.parse(created.stdout) as { user: { id: string; name: string } }
  assert.equal(user.name, 'Ada')

  const read = await bpkit(['call', 'getUser', '--json'], { input: JSON.stringify({ id: user.id }) })
  assert.equal(read.code, 0, read.stderr)
  assert.equal(read.stdout.trim().split('\n').length, 1, '--json prints one line')
  assert.equal((JSON.parse(read.stdout) as { user: { id: string } }).user.id, user.id)
})

test('call prints an API error as its type and message and exits non-zero', async () => {
  const result = await bpkit(['call', 'getUser', '{"id":"user_01JAAAAAAAAAAAAAAAAAAAAAAA"}'])
  assert.equal(result.code, 2)
  assert.match(result.stderr, /^ResourceNotFound: .*user_01JAAAAAAAAAAAAAAAAAAAAAAA/)
  assert.equal(result.stdout, '')
})

test('call refuses unknown operations, bad JSON and missing credentials', async () => {
  assert.match((await bpkit(['call', 'noSuchOperation'])).stderr, /unknown operation "noSuchOperation"/)
  const badJson = await bpkit(['call', 'createUser', '{tags'])
  assert.equal(badJson.code, 1)
  assert.match(badJson.stderr, /not valid JSON/)
  const noToken = await bpkit(['call', 'listUsers', '--data-dir', join(server.server.config.dataDir, 'none')], { env: { BP_TOKEN: '' } })
  assert.equal(noToken.code, 1)
  assert.match(noToken.stderr, /no credentials/)
})

test('call --help lists every operation and bpkit --help lists the commands', async () => {
  const help = await bpkit(['call', '--help'])
  assert.equal(help.code, 0)
  for (const name of Object.keys(publicOperations)) assert.ok(help.stdout.includes(`  ${name}\n`), `${name} listed`)
  const top = await bpkit(['--help'])
  for (const command of ['serve', 'env', 'call']) assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'))
})

test('npm links the bpkit command, so `npx bpkit` works in this repository', async () => {
  const linked = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'bpkit')
  const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(linked, ['--help'], { env: { PATH: process.env.PATH ?? '' } })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.on('close', (code) => resolve({ code, stdout }))
  })
  assert.equal(result.code, 0)
  assert.match(result.stdout, /^Usage: bpkit <command>/)
})
