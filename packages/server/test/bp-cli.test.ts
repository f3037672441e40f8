/**
 * The official command line, `@botpress/cli` 0.8.59 (a pinned dev dependency; its templates use
 * `@botpress/sdk` 0.10.10), driven against a real bpkit server as a user would, with no prompts: `bp login`,
 * `bp init` of a bot and of an integration, the sources edited (test/fixtures/bp-cli/), `bp build`,
 * `bp deploy -y` of the integration, `bp add` of it to the bot, `bp deploy -y` of the bot; a message in
 * through the integration's webhook and the echo out to a collector (deployed code running); redeploys and a
 * new version; then `bp dev` of the bot through bpkit's own tunnel, the same exchange, and a change to its
 * source that changes the reply; then `bp dev` of the integration, installed on a dev bot, a message in through
 * it and the reply out through it. Timings of each step are printed (never asserted).
 *
 * The CLI runs as a child process with its own `--botpressHome`. The templates' dependencies are not
 * installed from the registry: their node_modules link to the repo's `@botpress/sdk-0.10` alias (0.10.10) and
 * the `@botpress/client` (0.29.1) it depends on. The CLI asks the npm registry whether it is up to date;
 * `npm_config_registry` points that at the collector, which answers 404 at once.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '@bpkit/server'
import { clientFor } from './support.js'
import { sleep, startHandler, type Handler } from './runtime-support.js'

const here = dirname(fileURLToPath(import.meta.url))
const fixtures = join(here, 'fixtures', 'bp-cli')
const require = createRequire(import.meta.url)
const cliRoot = dirname(require.resolve('@botpress/cli/package.json'))
/** `node_modules/.bin/bp`, where npm links the CLI's bin. */
const bpBin = join(cliRoot, '..', '..', '.bin', 'bp')
const sdkDir = dirname(require.resolve('@botpress/sdk-0.10/package.json'))
const sdkClientDir = dirname(createRequire(join(sdkDir, 'package.json')).resolve('@botpress/client/package.json'))

type Run = { stdout: string; stderr: string; ms: number }

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

describe('the official CLI (@botpress/cli 0.8.59) against bpkit', () => {
  let server: TestServer
  let collector: Handler
  let root: string
  let home: string
  let botDir: string
  let integrationDir: string
  const timings: [string, number][] = []
  let integrationId: string
  let botId: string

  /** The CLI's environment: none of bpkit's or the SDK's variables of this process. */
  const cliEnv = (env: Record<string, string> = {}) => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BP_') && !k.startsWith('BPKIT_'))),
    npm_config_registry: `${collector.url}/registry/`,
    CHAT_OUT_URL: `${collector.url}/out`,
    FORCE_COLOR: '0',
    ...env,
  })

  /** `bp <args> --botpressHome <home>` in `cwd`; rejects with its output when it exits non-zero; timed as `step`. */
  const bp = (step: string, args: string[], cwd: string, env: Record<string, string> = {}, botpressHome = home) =>
    new Promise<Run>((resolve, reject) => {
      const started = Date.now()
      execFile(
        bpBin,
        [...args, '--botpressHome', botpressHome],
        { cwd, env: cliEnv(env), timeout: 120_000 },
        (error, stdout, stderr) => {
          const ms = Date.now() - started
          timings.push([step, ms])
          if (error) reject(new Error(`bp ${args.join(' ')} failed (${error.code}):\n${stdout}\n${stderr}`))
          else resolve({ stdout, stderr, ms })
        },
      )
    })

  /**
   * `bp dev -y` in `cwd` through bpkit's tunnel, once its worker listens (timed as `step`): the id `created`
   * captures in its output; `waitForOutput` waits for a pattern in its output (`count` times); `stop` kills it
   * and its worker (the process group it started).
   */
  const startDev = async (cwd: string, step: string, created: RegExp) => {
    const port = await freePort()
    const started = Date.now()
    const dev = spawn(bpBin, ['dev', '-y', '--apiUrl', server.url, '--tunnelUrl', server.url, '--port', String(port), '--botpressHome', home], {
      cwd,
      env: cliEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    dev.stdout!.on('data', (chunk) => (output += chunk))
    dev.stderr!.on('data', (chunk) => (output += chunk))
    const waitForOutput = async (pattern: RegExp, count = 1) => {
      const until = Date.now() + 60_000
      while ((output.match(new RegExp(pattern, 'g')) ?? []).length < count) {
        assert.ok(Date.now() < until && dev.exitCode === null, `bp dev: no ${pattern} (x${count}) in:\n${output}`)
        await sleep(100)
      }
    }
    const stop = () => {
      if (dev.exitCode === null) process.kill(-dev.pid!, 'SIGKILL')
    }
    try {
      await waitForOutput(/Listening on port/)
      timings.push([`${step} (to worker listening)`, Date.now() - started])
      const devId = output.match(created)?.[1]
      assert.ok(devId, output)
      return { devId, output: () => output, waitForOutput, stop }
    } catch (error) {
      stop()
      throw error
    }
  }

  /** A message from `userId` in conversation `conversationId`, posted to an install's webhook as the chat integration reads it. */
  const say = async (webhookUrl: string, text: string, conversationId: string, userId = 'dev-user') => {
    const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, conversationId, text }) })
    assert.equal(response.status, 200, await response.text())
  }

  /** What a user would `npm install` in a template folder, linked from the repo's node_modules. */
  const linkSdk = (dir: string) => {
    mkdirSync(join(dir, 'node_modules', '@botpress'), { recursive: true })
    symlinkSync(sdkDir, join(dir, 'node_modules', '@botpress', 'sdk'), 'dir')
    symlinkSync(sdkClientDir, join(dir, 'node_modules', '@botpress', 'client'), 'dir')
  }

  before(async () => {
    // Deliveries to the dev bot fail while its worker reloads: retried, often enough to outlast a reload.
    server = await startTestServer({ deliveryBackoffMs: 100, deliveryPollMs: 50, deliveryAttempts: 10 })
    collector = await startHandler((r) => (r.method === 'POST' && r.path === '/out' ? { body: {} } : { status: 404, body: { error: 'not found' } }))
    root = mkdtempSync(join(tmpdir(), 'bpkit-bp-cli-'))
    home = join(root, 'home')
    botDir = join(root, 'echo')
    integrationDir = join(root, 'chat')
  })

  after(async () => {
    if (timings.length) console.log(`# bp timings: ${timings.map(([step, ms]) => `${step} ${ms} ms`).join(', ')}`)
    await collector?.close()
    await server?.close()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  it('bp login --apiUrl --token --workspaceId -y stores the credentials and checks them (listBots)', async () => {
    const { stdout } = await bp('login', ['login', '--apiUrl', server.url, '--token', server.token, '--workspaceId', server.workspaceId, '-y'], root)
    assert.match(stdout, /Logged In/)
    const cache = JSON.parse(readFileSync(join(home, 'global.cache.json'), 'utf8'))
    assert.deepEqual(cache, { token: server.token, workspaceId: server.workspaceId, apiUrl: server.url })
  })

  it('bp login with a wrong token fails', async () => {
    const otherHome = join(root, 'home-wrong')
    await assert.rejects(
      new Promise((resolve, reject) =>
        execFile(bpBin, ['login', '--apiUrl', server.url, '--token', 'bp_pat_wrong', '--workspaceId', server.workspaceId, '-y', '--botpressHome', otherHome], { env: { ...process.env, npm_config_registry: `${collector.url}/registry/` } }, (error, stdout, stderr) =>
          error ? reject(new Error(stdout + stderr)) : resolve(stdout),
        ),
      ),
      /Login failed/,
    )
  })

  it('bp init -y of a bot and of an integration; the sources edited; bp build of the integration', async () => {
    await bp('init bot', ['init', '-y', '--type', 'bot', '--name', 'echo'], root)
    await bp('init integration', ['init', '-y', '--type', 'integration', '--name', 'chat'], root)
    assert.ok(existsSync(join(botDir, 'src', 'index.ts')))
    assert.equal(JSON.parse(readFileSync(join(integrationDir, 'package.json'), 'utf8')).integrationName, 'chat')
    assert.equal(JSON.parse(readFileSync(join(integrationDir, 'package.json'), 'utf8')).dependencies['@botpress/sdk'], '0.10.10')
    linkSdk(botDir)
    linkSdk(integrationDir)
    cpSync(join(fixtures, 'integration'), integrationDir, { recursive: true })

    const { stdout } = await bp('build integration', ['build'], integrationDir)
    assert.match(stdout, /Build completed/)
    assert.ok(existsSync(join(integrationDir, '.botpress', 'dist', 'index.js')))
    assert.ok(existsSync(join(integrationDir, '.botpress', 'implementation', 'channels', 'channel', 'messages', 'text.ts')), 'typings generated')
  })

  it('bp deploy -y of the integration: <handle>/<name> with its code, icon and readme; a second deploy updates it', async () => {
    const { stdout } = await bp('deploy integration', ['deploy', '-y'], integrationDir)
    assert.match(stdout, /Integration deployed/)
    const client = clientFor(server)
    const { integration } = await client.getIntegrationByName({ name: 'local/chat', version: '0.1.0' })
    integrationId = integration.id
    assert.equal(integration.title, 'Chat')
    assert.deepEqual(Object.keys(integration.channels), ['channel'])
    assert.deepEqual(Object.keys(integration.channels.channel!.messages), ['text'])
    assert.ok(integration.configuration.schema?.properties?.outUrl, 'configuration schema from zod')
    const row = await server.server.store.db.selectFrom('hubPackages').select(['code', 'dev']).where('id', '=', integration.id).executeTakeFirstOrThrow()
    assert.equal(row.code, readFileSync(join(integrationDir, '.botpress', 'dist', 'index.js'), 'utf8'))
    assert.equal(row.dev, 0)
    const icon = await fetch(integration.iconUrl)
    assert.equal(icon.status, 200)
    assert.equal(await icon.text(), readFileSync(join(integrationDir, 'icon.svg'), 'utf8'))
    const readme = await fetch(integration.readmeUrl)
    assert.equal(readme.status, 200)
    assert.equal(await readme.text(), readFileSync(join(integrationDir, 'hub.md'), 'utf8'))

    const again = await bp('redeploy integration', ['deploy', '-y'], integrationDir)
    assert.match(again.stdout, /already exists/)
    const { integrations } = await client.listIntegrations({ name: 'local/chat' })
    assert.deepEqual(integrations.map((i) => i.id), [integrationId], 'updated, not duplicated')
  })

  it('bp deploy -y of an integration named <handle>/<name> in a workspace without a handle claims it (checkHandleAvailability, updateWorkspace)', async () => {
    const admin = clientFor(server, { botId: undefined })
    const { id: workspaceId } = await admin.createWorkspace({ name: 'Acme' })
    const acmeHome = join(root, 'home-acme')
    const acmeDir = join(root, 'acme-hello')
    cpSync(integrationDir, acmeDir, { recursive: true, filter: (src) => !src.includes(`${integrationDir}/.botpress`) })
    const pkg = JSON.parse(readFileSync(join(acmeDir, 'package.json'), 'utf8'))
    writeFileSync(join(acmeDir, 'package.json'), JSON.stringify({ ...pkg, integrationName: 'acme/hello' }, null, 2))
    await bp('login acme', ['login', '--apiUrl', server.url, '--token', server.token, '--workspaceId', workspaceId, '-y'], root, {}, acmeHome)
    const { stdout } = await bp('deploy acme/hello', ['deploy', '-y'], acmeDir, {}, acmeHome)
    assert.match(stdout, /Handle "acme" is now yours/)
    assert.equal((await admin.getWorkspace({ id: workspaceId })).handle, 'acme')
    const inAcme = clientFor(server, { workspaceId, botId: undefined })
    assert.equal((await inAcme.getIntegrationByName({ name: 'acme/hello', version: '0.1.0' })).integration.name, 'acme/hello')
    // Another workspace's handle is not available: the CLI stops before deploying.
    await assert.rejects(bp('deploy acme/hello elsewhere', ['deploy', '-y'], acmeDir), /Your current workspace handle is "local" but the integration handle is "acme"/)
  })

  it('bp add local/chat@0.1.0 and bp deploy -y --createNewBot: the bot with its code, the integration installed; a redeploy with --botId keeps the install', async () => {
    await bp('add', ['add', 'local/chat@0.1.0', '-y'], botDir)
    const installed = JSON.parse(readFileSync(join(botDir, '.botpress', 'installations', 'local-chat', 'integration.json'), 'utf8'))
    assert.deepEqual(installed, { name: 'local/chat', version: '0.1.0', id: integrationId })
    cpSync(join(fixtures, 'bot'), botDir, { recursive: true })
    await bp('build bot', ['build'], botDir)

    const { stdout } = await bp('deploy bot', ['deploy', '-y', '--createNewBot'], botDir)
    const created = stdout.match(/Bot created with ID "(bot_\w+)"/)
    assert.ok(created, stdout)
    botId = created[1]!
    const client = clientFor(server, { botId })
    const { bot } = await client.getBot({ id: botId })
    const install = bot.integrations.chat
    assert.ok(install, `installed under the integration's name: ${JSON.stringify(Object.keys(bot.integrations))}`)
    assert.equal(install.id, integrationId)
    assert.equal(install.name, 'local/chat')
    assert.equal(install.enabled, true)
    assert.deepEqual(install.configuration, { outUrl: `${collector.url}/out` })
    assert.match(stdout, new RegExp(`local/chat : ${install.webhookUrl}`), 'the CLI prints the webhook URL')
    const row = await server.server.store.db.selectFrom('bots').select('data').where('id', '=', botId).executeTakeFirstOrThrow()
    assert.equal(JSON.parse(row.data).code, readFileSync(join(botDir, '.botpress', 'dist', 'index.js'), 'utf8'))

    await bp('redeploy bot', ['deploy', '-y', '--botId', botId], botDir)
    const again = (await client.getBot({ id: botId })).bot
    assert.deepEqual(Object.keys(again.integrations), ['chat'])
    assert.equal(again.integrations.chat!.webhookId, install.webhookId, 'the same webhook URL')
  })

  it('a message in through the webhook, the echo out to the configured URL (deployed code runs)', async () => {
    assert.ok(botId, 'the bot is deployed')
    const client = clientFor(server, { botId })
    const { bot } = await client.getBot({ id: botId })
    const install = bot.integrations.chat!
    assert.equal(install.status, 'registered', `register ran in the deployed integration: ${install.statusReason}`)
    // The first call may find the integration's process still starting: a 5xx, tried again.
    let answer = { status: 0, text: '' }
    const sent = Date.now()
    for (const until = Date.now() + 20_000; Date.now() < until; await sleep(250)) {
      const response = await fetch(install.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u1', conversationId: 'c1', text: 'hello' }) })
      answer = { status: response.status, text: await response.text() }
      if (answer.status < 500) break
    }
    assert.equal(answer.status, 200, `the webhook answered ${answer.status} ${answer.text}`)
    assert.match(JSON.parse(answer.text).messageId, /^msg_/)
    const out = await collector.waitFor((r) => r.path === '/out', 20_000)
    timings.push(['deployed exchange (first webhook to echo)', out.at - sent])
    assert.equal(out.body.text, 'You said: hello')
    assert.equal(out.body.conversationId, 'c1', "the reply reaches the conversation's external id")
    const { conversations } = await client.listConversations({})
    assert.equal(conversations.length, 1)
    assert.equal(conversations[0]!.channel, 'channel')
    assert.equal(conversations[0]!.integration, 'local/chat')
    assert.equal(conversations[0]!.tags['chat:id'], 'c1', 'the bot sees the tags prefixed by the alias')
    const { messages } = await client.listMessages({ conversationId: conversations[0]!.id })
    const byDirection = Object.fromEntries(messages.map((m) => [m.direction, m]))
    assert.deepEqual(byDirection.incoming?.payload, { text: 'hello' })
    assert.deepEqual(byDirection.outgoing?.payload, { text: 'You said: hello' })
    assert.equal(byDirection.outgoing?.userId, out.body.botUserId, "the integration saw the bot's user as the author")
  })
  it('a new version: bp deploy of 0.2.0 (its previous version looked up), bp add local/chat@0.2.0, bp deploy --botId: the bot installs it under the same alias', async () => {
    assert.ok(botId, 'the bot is deployed')
    const definition = join(integrationDir, 'integration.definition.ts')
    writeFileSync(definition, readFileSync(definition, 'utf8').replace("version: '0.1.0'", "version: '0.2.0'"))
    await bp('deploy integration 0.2.0', ['deploy', '-y'], integrationDir)
    const client = clientFor(server, { botId })
    const { integrations } = await client.listIntegrations({ name: 'local/chat' })
    assert.deepEqual(integrations.map((i) => i.version).sort(), ['0.1.0', '0.2.0'])
    const next = integrations.find((i) => i.version === '0.2.0')!

    await bp('add 0.2.0', ['add', 'local/chat@0.2.0', '-y'], botDir)
    await bp('deploy bot with 0.2.0', ['deploy', '-y', '--botId', botId], botDir)
    const { bot } = await client.getBot({ id: botId })
    assert.deepEqual(Object.keys(bot.integrations), ['chat'])
    assert.equal(bot.integrations.chat!.id, next.id)
    assert.equal(bot.integrations.chat!.version, '0.2.0')
    assert.equal(bot.integrations.chat!.status, 'registered', bot.integrations.chat!.statusReason ?? '')
  })
  it("bp dev of the bot through bpkit's tunnel: a message in, the echo out; the source changed, the reply changes", async () => {
    assert.ok(botId, 'the bot is deployed')
    const { devId, output, waitForOutput, stop } = await startDev(botDir, 'dev bot', /Dev Bot created with id "(bot_\w+)"/)
    try {
      const { bot } = await clientFor(server, { botId: devId }).getBot({ id: devId })
      assert.equal(bot.dev, true)
      const install = bot.integrations.chat!
      assert.equal(install.name, 'local/chat')
      assert.match(output(), new RegExp(`local/chat : ${install.webhookUrl}`))
      const row = await server.server.store.db.selectFrom('bots').select('data').where('id', '=', devId).executeTakeFirstOrThrow()
      assert.match(JSON.parse(row.data).url, new RegExp(`^${server.url}/[0-9a-f-]{36}$`), "the dev bot's url is the tunnel's address")

      const sent = Date.now()
      await say(install.webhookUrl, 'dev', 'd1')
      const echo = await collector.waitFor((r) => r.path === '/out' && r.body.text === 'You said: dev', 30_000)
      timings.push(['dev exchange (webhook to echo)', echo.at - sent])
      assert.equal(echo.body.conversationId, 'd1')

      // The developer changes the reply: bp dev rebuilds, redeploys the dev bot and reloads its worker.
      const source = join(botDir, 'src', 'index.ts')
      const changed = Date.now()
      writeFileSync(source, readFileSync(source, 'utf8').replace('You said: ', 'Dev said: '))
      await waitForOutput(/Listening on port/, 2)
      timings.push(['dev reload (change to worker listening)', Date.now() - changed])
      await say(install.webhookUrl, 'again', 'd1')
      const changedEcho = await collector.waitFor((r) => r.path === '/out' && r.body.text?.endsWith(' again'), 30_000)
      assert.equal(changedEcho.body.text, 'Dev said: again')
    } finally {
      stop()
    }
  })

  it("bp dev of the integration through bpkit's tunnel: a dev bot installs it (register reaches it), a webhook in reaches the bot, the reply goes out through it", async () => {
    assert.ok(existsSync(join(botDir, '.botpress', 'dist', 'index.js')), 'the bot is built')
    const { devId, stop } = await startDev(integrationDir, 'dev integration', /Dev Integration deployed with id "(intg_\w+)"/)
    try {
      const admin = clientFor(server, { botId: undefined })
      const { integration } = await admin.getIntegration({ id: devId })
      assert.equal(integration.dev, true)
      assert.equal(integration.name, 'chat', 'bp dev sends the name without the handle bp deploy adds')
      const row = await server.server.store.db.selectFrom('hubPackages').select(['url', 'code']).where('id', '=', devId).executeTakeFirstOrThrow()
      assert.match(row.url ?? '', new RegExp(`^${server.url}/[0-9a-f-]{36}$`), "the dev integration's url is the tunnel's address")
      assert.equal(row.code, null, 'it runs in bp dev, not here')

      // A dev bot (the echo bot's build, deployed as code) installs the dev integration.
      const code = readFileSync(join(botDir, '.botpress', 'dist', 'index.js'), 'utf8')
      const { bot } = await admin.createBot({ dev: true, code } as never)
      const { bot: installed } = await admin.updateBot({ id: bot.id, integrations: { chat: { integrationId: devId, enabled: true, configuration: { outUrl: `${collector.url}/out` } } } } as never)
      const install = installed.integrations.chat!
      assert.equal(install.status, 'registered', `register went through the tunnel to bp dev: ${install.statusReason}`)

      const sent = Date.now()
      await say(install.webhookUrl, 'through the dev integration', 'i1')
      const echo = await collector.waitFor((r) => r.path === '/out' && r.body.text?.endsWith(' through the dev integration'), 30_000)
      timings.push(['dev integration exchange (webhook to echo)', echo.at - sent])
      assert.equal(echo.body.conversationId, 'i1', "the reply reached bp dev's integration, with the conversation's external id")
      const asBot = clientFor(server, { botId: bot.id })
      const { conversations } = await asBot.listConversations({})
      assert.deepEqual(conversations.map((c) => [c.integration, c.tags['chat:id']]), [['chat', 'i1']])
      const { messages } = await asBot.listMessages({ conversationId: conversations[0]!.id })
      assert.deepEqual(messages.map((m) => m.direction).sort(), ['incoming', 'outgoing'], 'the webhook\'s message is the integration\'s (incoming), the echo the bot\'s')
    } finally {
      stop()
    }
  })
})
