import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { TestServer } from '@bpkit/server'
import { clientFor } from './support.js'

const cli = new URL('../../cli/dist/index.js', import.meta.url).pathname

type Serve = {
  child: ChildProcessWithoutNullStreams
  url: string
  output(): string
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>
  exit: Promise<number | null>
}

/** Runs `bpkit serve --port 0` and waits for its "listening" line. */
async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Serve> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    env: { ...process.env, BPKIT_ADMIN_TOKEN: '', ...env },
  })
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  child.stdout.on('data', (chunk) => {
    stdout += chunk
    for (const w of waiters) w()
  })
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout.match(pattern)
        if (match) {
          waiters.delete(check)
          resolve(match)
        }
      }
      waiters.add(check)
      check()
      void exit.then((code) => reject(new Error(`bpkit serve exited (${code}) before printing ${pattern}:\n${stdout}\n${stderr}`)))
    })
  const [, url] = await waitFor(/bpkit listening on (http:\/\/\S+)/)
  return { child, url: url!, output: () => stdout, waitFor, exit }
}

const parseExports = (text: string) =>
  Object.fromEntries([...text.matchAll(/^export (BP_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!])) as Record<string, string>

const exportBlock = (text: string) => text.match(/^export BP_API_URL=.*\nexport BP_TOKEN=.*\nexport BP_WORKSPACE_ID=.*\nexport BP_BOT_ID=.*\nexport BP_WORKSPACE_HANDLE=.*\nexport BP_WEBHOOK_URL=.*$/m)?.[0]

/** A client configured only from the printed `BP_*` variables, as after `eval "$(bpkit env)"`. */
const clientFromEnv = (env: Record<string, string>) =>
  clientFor({ url: env.BP_API_URL!, token: env.BP_TOKEN! } as TestServer, { workspaceId: env.BP_WORKSPACE_ID, botId: env.BP_BOT_ID })

const bpkit = (args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, BPKIT_DATA_DIR: '' } })

describe('bpkit serve and bpkit env', () => {
  const dirs: string[] = []
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpkit-cli-'))
    dirs.push(dir)
    return dir
  }
  const running: Serve[] = []
  after(() => {
    for (const s of running) s.child.kill('SIGKILL')
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('first start prints the credentials; env prints them again; a client built from them works; SIGTERM finishes in-flight requests', async () => {
    const dataDir = newDataDir()
    const server = await serve(dataDir)
    running.push(server)
    const block = exportBlock(server.output())
    assert.ok(block, `export lines in:\n${server.output()}`)
    const env = parseExports(block)
    assert.equal(env.BP_API_URL, server.url)
    assert.match(env.BP_TOKEN!, /^bp_pat_/)
    assert.match(env.BP_WORKSPACE_ID!, /^wkspace_/)
    assert.match(env.BP_BOT_ID!, /^bot_/)
    assert.equal(env.BP_WEBHOOK_URL, `${env.BP_API_URL}/webhooks`)
    assert.equal(env.BP_WORKSPACE_HANDLE, 'local', 'the first workspace has a handle, so `bp deploy -y` of an integration needs no prompt')
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.notEqual(server.url, 'http://127.0.0.1:0', 'the real port, not 0')

    const health = await fetch(`${server.url}/healthz`)
    assert.equal(health.status, 200)

    const { stdout } = await bpkit(['env', '--data-dir', dataDir])
    assert.equal(stdout.trim(), block)
    assert.equal(statSync(join(dataDir, 'credentials.json')).mode & 0o777, 0o600)

    const client = clientFromEnv(env)
    const { bot } = await client.getBot({ id: env.BP_BOT_ID! })
    assert.equal(bot.id, env.BP_BOT_ID)

    // A request whose body is still arriving when SIGTERM comes is answered before the process exits.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/v1/admin/workspaces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.BP_TOKEN}`, 'content-type': 'application/json', connection: 'close' },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject)
      req.write('{"name": ')
      setTimeout(() => {
        server.child.kill('SIGTERM')
        server.waitFor(/SIGTERM received/).then(() => setTimeout(() => req.end('"finished in flight"}'), 200), reject)
      }, 300)
    })
    const answered = await inFlight
    assert.equal(answered.status, 200, answered.body)
    assert.equal(JSON.parse(answered.body).name, 'finished in flight')
    assert.equal(await server.exit, 0)
    await assert.rejects(fetch(`${server.url}/healthz`), 'no longer listening')
  })

  it('BPKIT_ADMIN_TOKEN is the first token; a later start accepts a new one and prints no credentials', async () => {
    const dataDir = newDataDir()
    const token = 'bp_pat_chosen-by-the-operator-0123456789'
    const first = await serve(dataDir, { BPKIT_ADMIN_TOKEN: token })
    running.push(first)
    const env = parseExports(first.output())
    assert.equal(env.BP_TOKEN, token)
    assert.equal((await clientFromEnv(env).getAccount({})).account.email, 'admin@bpkit.local')
    first.child.kill('SIGTERM')
    assert.equal(await first.exit, 0)

    const next = 'bp_pat_rotated-by-the-operator-9876543210'
    const second = await serve(dataDir, { BPKIT_ADMIN_TOKEN: next })
    running.push(second)
    assert.equal(exportBlock(second.output()), undefined, 'credentials are printed on first start only')
    const { stdout } = await bpkit(['env', '--data-dir', dataDir])
    const rotated = parseExports(stdout)
    assert.equal(rotated.BP_TOKEN, next)
    assert.equal(rotated.BP_WORKSPACE_ID, env.BP_WORKSPACE_ID)
    assert.equal(rotated.BP_API_URL, second.url)
    const client = clientFromEnv(rotated)
    assert.equal((await client.getBot({ id: rotated.BP_BOT_ID! })).bot.id, env.BP_BOT_ID)
    second.child.kill('SIGINT')
    assert.equal(await second.exit, 0)
  })

  it('bpkit env without a started server says so and exits non-zero', async () => {
    const dataDir = newDataDir()
    await assert.rejects(bpkit(['env', '--data-dir', dataDir]), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1)
      assert.match(error.stderr, /bpkit serve/)
      return true
    })
  })
})
