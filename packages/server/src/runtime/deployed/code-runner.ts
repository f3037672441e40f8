import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import type { Services } from '../../context.js'
import { generateToken, hashToken } from '../../auth/tokens.js'
import { newId } from '../../ids.js'
import { raw, recordIssue } from '../../bots/issues.js'
import { clearCrashing, recordCrashing } from './crash-status.js'
import { botLogLines, integrationLogLines, recordLogLine } from '../../store/log-lines.js'
import { webhookBaseUrl } from '../webhook-ids.js'
import { bundleFile, codeHash } from './bundle-files.js'
import { readOutputLine } from './output-lines.js'

/** A bot's or an integration's deployed `code`, and what its process needs to know. */
export type Deployment = {
  kind: 'bot' | 'integration'
  id: string
  workspaceId: string
  code: string
  /** An integration's secrets, given to it as `SECRET_<NAME>`. */
  secrets?: Record<string, string>
}

export type RunnerOptions = {
  /** The heap limit of each process, in MiB. */
  memoryMb: number
  /** How long a process may take to answer `GET /health` after it starts. */
  startTimeoutMs: number
  /** How long a replaced process keeps running for the calls it is still answering. */
  drainMs: number
}

/** `answered`: to be called when the process answered a call (it is healthy again, if it was crashing). */
export type RunnerAnswer = { url: string; answered: () => void } | { unavailable: string }

type Running = {
  /** `<kind>:<id>` of its deployment. */
  key: string
  hash: string
  child: ChildProcess
  ready: Promise<string>
  tokenId: string
  exited: boolean
  /** Stopped on purpose (replaced, its bot deleted, the server closing): its exit is no crash. */
  stopped: boolean
  /** The last lines it wrote to stderr, for the issue that says why it crashed. */
  lastErrors: string[]
  /** It answered a call once. */
  answered: boolean
}

/**
 * `hash`: the code last started; new code starts afresh, with no backoff and its crashes forgotten. `starting`:
 * the process being started, which calls that come meanwhile wait for (rather than each starting one).
 */
type Slot = { running?: Running; starting?: Promise<Running>; hash?: string; crashes: number[]; retryAt: number; crashReported: boolean }

const CRASH_WINDOW_MS = 60_000
const CRASHES_BEFORE_BACKOFF = 3
const MAX_BACKOFF_MS = 60_000
const REMEMBERED_ERRORS = 20

// The bundle `bp build` produces exports the bot or integration as `default`; the official CLI's worker starts
// it with `.start(port)`, and so does this launcher (argv: the bundle's path, the port).
const LAUNCHER = 'const m = require(process.argv[1]); (m.default ?? m).start(Number(process.argv[2]))'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function waitForHealth(url: string, child: Running, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exited) throw new Error('it exited before answering GET /health')
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`it did not answer GET /health within ${timeoutMs} ms`)
}

/**
 * Runs deployed bundles: each bot's or integration's code in its own supervised Node process, started when a
 * delivery first needs it, replaced when the code changes (the old one drains), restarted after a crash with
 * a backoff once it keeps crashing (reported as an issue of the bot), and stopped with the server. A process's
 * environment holds only what its code needs: this server's URL, a key of its own, its workspace, its webhook
 * base URL and, for an integration, its secrets. Nothing of the server's own environment is passed on.
 */
export class CodeRunner {
  private readonly slots = new Map<string, Slot>()
  /** Every process not exited yet (draining ones too): none outlives the server. */
  private readonly live = new Set<Running>()
  private stopping = false

  constructor(
    private readonly services: Services,
    private readonly options: RunnerOptions,
  ) {}

  // A bundle is megabytes and this is asked on every delivery: its hash is computed once per version. The same
  // version is the same string (the bot's cached definition, the targets' cached code), compared at no cost.
  private readonly hashes = new Map<string, { code: string; hash: string }>()

  private hashOf(key: string, code: string): string {
    const known = this.hashes.get(key)
    if (known?.code === code) return known.hash
    const hash = codeHash(code)
    this.hashes.set(key, { code, hash })
    return hash
  }

  /** The URL where the deployment answers, starting (or replacing) its process when needed. */
  async urlOf(deployment: Deployment): Promise<RunnerAnswer> {
    if (this.stopping) return { unavailable: 'the server is stopping' }
    const key = `${deployment.kind}:${deployment.id}`
    const slot = this.slots.get(key) ?? { crashes: [], retryAt: 0, crashReported: false }
    this.slots.set(key, slot)
    const hash = this.hashOf(key, deployment.code)
    let running = slot.running
    if (running && (running.exited || running.hash !== hash)) {
      if (!running.exited) this.retire(running)
      running = slot.running = undefined
    }
    if (!running) {
      if (slot.hash !== hash) Object.assign(slot, { hash, crashes: [], retryAt: 0, crashReported: false })
      const wait = slot.retryAt - Date.now()
      if (wait > 0) return { unavailable: `its code keeps crashing; the next start is in ${Math.ceil(wait / 1000)} s` }
      // The started process takes the slot in the same step that ends `starting`: no call in between starts another.
      slot.starting ??= this.start(deployment, hash, slot).then(
        (started) => {
          Object.assign(slot, { running: started, starting: undefined })
          return started
        },
        (error: unknown) => {
          slot.starting = undefined
          throw error
        },
      )
      running = await slot.starting
      if (this.stopping || this.slots.get(key) !== slot) {
        // Stopped while it started (the server closing, its bot or integration deleted): no process outlives that.
        void this.kill(running)
        return { unavailable: 'it was stopped' }
      }
    }
    try {
      const started = running
      return { url: await running.ready, answered: () => this.answered(deployment, slot, started) }
    } catch (error) {
      return { unavailable: `its code could not start: ${(error as Error).message}` }
    }
  }

  /** Stops the process of a bot or integration (deleted, or its code removed). */
  stop(kind: Deployment['kind'], id: string): void {
    const slot = this.slots.get(`${kind}:${id}`)
    if (slot?.running) void this.kill(slot.running)
    this.slots.delete(`${kind}:${id}`)
    this.hashes.delete(`${kind}:${id}`)
  }

  /** Stops every process (the server is closing). */
  async stopAll(): Promise<void> {
    this.stopping = true
    const running = [...this.live]
    this.slots.clear()
    await Promise.all(running.map((r) => this.kill(r)))
  }

  /** How many processes of a deployment are alive (a replaced one still draining counts). */
  processCount(kind: Deployment['kind'], id: string): number {
    return [...this.live].filter((r) => r.key === `${kind}:${id}`).length
  }

  /** The kinds and ids of the deployments that have a process now. */
  running(): { kind: Deployment['kind']; id: string }[] {
    return [...this.slots].filter(([, slot]) => slot.running && !slot.running.exited).map(([key]) => {
      const [kind, id] = key.split(':') as [Deployment['kind'], string]
      return { kind, id }
    })
  }

  private async start(deployment: Deployment, hash: string, slot: Slot): Promise<Running> {
    const { config, store } = this.services
    const file = bundleFile(config.dataDir, deployment.code)
    const port = await freePort()
    const token = generateToken(deployment.kind)
    const tokenId = newId('token')
    await store.db
      .insertInto('tokens')
      .values({
        id: tokenId,
        kind: deployment.kind,
        hash: hashToken(token),
        accountId: null,
        workspaceId: deployment.workspaceId,
        botId: deployment.kind === 'bot' ? deployment.id : null,
        integrationId: deployment.kind === 'integration' ? deployment.id : null,
        note: 'bpkit runtime: the key of this deployed code',
        createdAt: new Date().toISOString(),
      })
      .execute()
    const apiUrl = config.publicUrl ?? ''
    const env: Record<string, string> = {
      BP_API_URL: apiUrl,
      BP_TOKEN: token,
      BP_WORKSPACE_ID: deployment.workspaceId,
      BP_WEBHOOK_URL: webhookBaseUrl(apiUrl),
      BP_LOG_FORMAT: 'json',
      ...(deployment.kind === 'bot' ? { BP_BOT_ID: deployment.id } : { BP_INTEGRATION_ID: deployment.id }),
      ...Object.fromEntries(Object.entries(deployment.secrets ?? {}).map(([name, value]) => [`SECRET_${name}`, value])),
    }
    const child = spawn(process.execPath, [`--max-old-space-size=${this.options.memoryMb}`, '-e', LAUNCHER, file, String(port)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const running: Running = { key: `${deployment.kind}:${deployment.id}`, hash, child, tokenId, exited: false, stopped: false, lastErrors: [], answered: false, ready: Promise.resolve('') }
    this.pipeOutput(deployment, running)
    this.live.add(running)
    child.once('exit', () => {
      running.exited = true
      this.live.delete(running)
    })
    // 'close' comes once its output is read to the end, so a crash's last words are in `lastErrors`.
    child.once('close', (code, signal) => void this.exited(deployment, slot, running, code, signal))
    const url = `http://127.0.0.1:${port}`
    running.ready = waitForHealth(url, running, this.options.startTimeoutMs).then(
      () => url,
      (error: Error) => {
        // A process that never became healthy counts as a crash.
        running.child.kill('SIGKILL')
        throw error
      },
    )
    running.ready.catch(() => {})
    return running
  }

  private pipeOutput(deployment: Deployment, running: Running): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: running.child[stream]! }).on('line', (text) => {
        const line = readOutputLine(text, stream)
        if (!line) return
        const now = new Date().toISOString()
        if (line.kind === 'issue') {
          if (deployment.kind !== 'bot') return
          void recordIssue(this.services.store, deployment.id, {
            code: line.code,
            title: line.title,
            description: line.description,
            category: (['user_code', 'limits', 'configuration', 'other'].includes(line.category) ? line.category : 'user_code') as 'user_code',
            grouped: { code: raw(line.code) },
            data: Object.fromEntries(Object.entries(line.data).map(([k, v]) => [k, raw(typeof v === 'string' ? v : JSON.stringify(v))])),
            now,
          }).catch((err) => this.services.log?.warn({ err }, 'runtime: recording an issue of deployed code failed'))
          return
        }
        // Stack frames say where, the lines before them say what: those are kept to explain a crash.
        if (stream === 'stderr' && !/^\s+at /.test(line.message)) running.lastErrors = [...running.lastErrors, line.message].slice(-REMEMBERED_ERRORS)
        const table = deployment.kind === 'bot' ? botLogLines : integrationLogLines
        recordLogLine(this.services, table, { ownerId: deployment.id, timestamp: now, level: line.level, message: line.message, userId: line.userId, conversationId: line.conversationId, workflowId: line.workflowId })
      })
    }
  }

  private async exited(deployment: Deployment, slot: Slot, running: Running, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    await this.services.store.db.deleteFrom('tokens').where('id', '=', running.tokenId).execute().catch(() => {})
    if (this.stopping || running.stopped) return
    const now = Date.now()
    slot.crashes = [...slot.crashes.filter((at) => now - at < CRASH_WINDOW_MS), now]
    const streak = slot.crashes.length
    if (streak < CRASHES_BEFORE_BACKOFF) return
    slot.retryAt = now + Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (streak - CRASHES_BEFORE_BACKOFF))
    const errors = running.lastErrors.slice(-5).join('\n') || '(it wrote nothing to stderr)'
    const crash = { kind: deployment.kind, id: deployment.id, streak, exit: signal ?? `exit code ${code}`, errors }
    const raiseIssues = !slot.crashReported
    slot.crashReported = true
    await recordCrashing(this.services, crash, raiseIssues).catch((err) => this.services.log?.warn({ err }, 'runtime: recording a crash failed'))
  }

  /**
   * The first answer of a process: it is healthy, so a crashing integration's installs show their own status again
   * (whichever process of the database marked them), and crashing again raises the issue again. Its exits still
   * count within the crash window.
   */
  private answered(deployment: Deployment, slot: Slot, running: Running): void {
    if (running.answered) return
    running.answered = true
    if (slot.running === running) slot.crashReported = false
    if (deployment.kind !== 'integration') return
    clearCrashing(this.services.store.db, deployment.id).catch((err) => this.services.log?.warn({ err }, 'runtime: clearing a crash failed'))
  }

  /** A replaced process keeps answering what it was given for `drainMs`, then stops. */
  private retire(running: Running): void {
    setTimeout(() => void this.kill(running), this.options.drainMs).unref()
  }

  private kill(running: Running): Promise<void> {
    running.stopped = true
    if (running.exited) return Promise.resolve()
    return new Promise((resolve) => {
      const force = setTimeout(() => running.child.kill('SIGKILL'), 2_000)
      running.child.once('exit', () => {
        clearTimeout(force)
        resolve()
      })
      running.child.kill('SIGTERM')
    })
  }
}
