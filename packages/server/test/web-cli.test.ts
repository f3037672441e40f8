/**
 * The command line of the web face: `bpkit serve` prints a one-time sign-in link on first start, `bpkit open`
 * prints a fresh one any time, `bpkit invite` prints an invitation link. Real processes, real HTTP.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { follow, web } from './web-support.js'

const cli = new URL('../../cli/dist/index.js', import.meta.url).pathname
const bpkit = (args: string[]) =>
  promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, BPKIT_DATA_DIR: '', BP_TOKEN: '', BP_API_URL: '' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  )

describe('web face on the command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-web-cli-'))
  let child: ReturnType<typeof spawn>
  let stdout = ''
  let url: string

  before(async () => {
    child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { env: { ...process.env, BPKIT_ADMIN_TOKEN: '' } })
    child.stdout!.on('data', (chunk) => (stdout += chunk))
    const deadline = Date.now() + 20_000
    while (!/bpkit listening on (http:\/\/\S+)/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`bpkit serve did not start:\n${stdout}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    url = stdout.match(/bpkit listening on (http:\/\/\S+)/)![1]!
  })
  after(async () => {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('bpkit serve prints a one-time sign-in link on first start, which signs the first account in', async () => {
    const link = stdout.match(/Sign in to the dashboard[^\n]*\n(http:\/\/\S+\/auth\/sign-in\?code=\S+)/)?.[1]
    assert.ok(link, stdout)
    assert.ok(link.startsWith(url))
    const session = await follow(link)
    const me = await web({ url } as never, session, '/auth/session')
    assert.equal(me.body.account.email, 'admin@bpkit.local')
    assert.equal((await fetch(link, { redirect: 'manual' })).status, 400, 'once')
  })

  it('bpkit open prints a fresh link every time', async () => {
    const first = await bpkit(['open', '--no-browser', '--data-dir', dataDir])
    assert.equal(first.code, 0, first.stderr)
    const second = await bpkit(['open', '--no-browser', '--data-dir', dataDir])
    const [a, b] = [first.stdout.trim(), second.stdout.trim()]
    assert.match(a, /^http:\/\/\S+\/auth\/sign-in\?code=\S+$/)
    assert.notEqual(a, b)
    await follow(a)
    await follow(b)
  })

  it('bpkit invite prints an invitation link that signs the member in with its role', async () => {
    const credentials = await bpkit(['env', '--data-dir', dataDir])
    const workspaceId = credentials.stdout.match(/BP_WORKSPACE_ID=(\S+)/)![1]!
    const invited = await bpkit(['invite', 'teammate@example.com', '--workspace', workspaceId, '--role', 'viewer', '--data-dir', dataDir])
    assert.equal(invited.code, 0, invited.stderr)
    const session = await follow(invited.stdout.trim())
    const me = await web({ url } as never, session, '/auth/session')
    assert.equal(me.body.account.email, 'teammate@example.com')
    const create = await web({ url } as never, session, '/v1/admin/bots', { body: { name: 'no' }, headers: { 'x-workspace-id': workspaceId } })
    assert.equal(create.status, 403)
  })

  it('bpkit invite reports bad input: a Botpress error exits 2, missing arguments exit 1', async () => {
    const credentials = await bpkit(['env', '--data-dir', dataDir])
    const workspaceId = credentials.stdout.match(/BP_WORKSPACE_ID=(\S+)/)![1]!
    const badRole = await bpkit(['invite', 'x@example.com', '--workspace', workspaceId, '--role', 'boss', '--data-dir', dataDir])
    assert.equal(badRole.code, 2)
    assert.match(badRole.stderr, /InvalidPayload: Invalid "role"/)
    const missing = await bpkit(['invite', 'x@example.com', '--data-dir', dataDir])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /--workspace/)
  })
})
