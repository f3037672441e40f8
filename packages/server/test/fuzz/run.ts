/**
 * The fuzz run: a real server on 127.0.0.1, the world of world.ts, and fast-check drawing requests of
 * requests.ts until the count or the time limit is reached. Every answer is checked (invariants.ts) and the
 * server's /healthz is asked after every request that got no answer, and every 100 requests. A failure is
 * shrunk by fast-check and reported as a `curl` line.
 */
import fc from 'fast-check'
import { startTestServer, type TestServer } from '@bpkit/server'
import { buildWorld, type World } from './world.js'
import { requestArbitrary, toCurl, type WireRequest } from './requests.js'
import { violations, type Answer } from './invariants.js'
import { rawExchange } from './raw-http.js'
import { changedTables, fingerprint } from './unchanged.js'

export type FuzzOptions = {
  seed: number
  requests: number
  /** Stop drawing new requests after this long (the run still counts as passed). */
  timeLimitMs?: number
  /** A postgres:// URL to fuzz the PostgreSQL store; SQLite otherwise. */
  database?: string
  /** Per-request timeout. */
  requestTimeoutMs?: number
  log?: (line: string) => void
  /** The server's pino level (default silent): `error` prints the stack of every 500. */
  serverLogLevel?: string
  /** Called with one line per request (principal, operation, mutation, answer). */
  trace?: (line: string) => void
}

export type FuzzReport = {
  seed: number
  requests: number
  statusClasses: Record<string, number>
  serverErrors: number
  nonEnvelope: number
  leaks: number
  /** Requests answered 4xx that changed a record anyway (of those checked: every fourth). */
  changedByRejected: number
  byMutation: Record<string, number>
  /** The shrunk failing request and what was wrong, if any. */
  failure?: { curl: string; problems: string[]; request: WireRequest }
  ms: number
}

async function send(request: WireRequest, timeoutMs: number): Promise<Answer | Error> {
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) })
    return { status: response.status, headers: response.headers, text: await response.text() }
  } catch (error) {
    // What fetch refuses to send (a header value with a NUL, a trailing space or a character past U+00FF) goes over a plain socket.
    const reason = `${(error as Error).message} ${((error as { cause?: Error }).cause ?? {}).message ?? ''}`
    if (error instanceof TypeError && /header|ByteString/i.test(reason)) return sendRaw(request, timeoutMs)
    return error as Error
  }
}

async function sendRaw(request: WireRequest, timeoutMs: number): Promise<Answer | Error> {
  const url = new URL(request.url)
  const body = Buffer.from(request.body ?? '')
  const head = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`, 'Connection: close']
  try {
    const answer = await rawExchange(request.url, Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]), timeoutMs)
    return { status: answer.status, headers: new Headers(answer.headers), text: answer.body }
  } catch (error) {
    return error as Error
  }
}

async function healthy(server: TestServer): Promise<boolean> {
  const answer = await send({ operation: 'healthz', principal: 'none', mutation: 'none', method: 'GET', url: `${server.url}/healthz`, headers: {} }, 10_000)
  return !(answer instanceof Error) && answer.status === 200
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {})
  const started = Date.now()
  const server = await startTestServer({ database: options.database, logLevel: options.serverLogLevel ?? 'silent' })
  const report: FuzzReport = { seed: options.seed, requests: 0, statusClasses: {}, serverErrors: 0, nonEnvelope: 0, leaks: 0, changedByRejected: 0, byMutation: {}, ms: 0 }
  try {
    const world: World = await buildWorld(server)
    const principals = new Map(world.principals.map((p) => [p.name, p]))
    let shrinking = false
    let drawn = 0
    const property = fc.asyncProperty(requestArbitrary(world, server.url), async (request) => {
      // Every fourth request (every one while shrinking) is checked to change nothing if it is rejected.
      const before = shrinking || drawn++ % 4 === 0 ? await fingerprint(server) : undefined
      const answer = await send(request, options.requestTimeoutMs ?? 30_000)
      const problems: string[] = []
      if (before !== undefined && !(answer instanceof Error) && answer.status >= 400 && answer.status < 500) {
        const changed = changedTables(before, await fingerprint(server))
        if (changed.length) problems.push(`a rejected request (${answer.status}) changed ${changed.join(', ')}`)
      }
      if (answer instanceof Error) {
        problems.push(`no answer: ${answer.message}${(answer as { cause?: Error }).cause ? ` (${(answer as { cause?: Error }).cause!.message})` : ''}`)
        if (!(await healthy(server))) problems.push('/healthz no longer answers')
      } else {
        problems.push(...violations(request, answer, principals.get(request.principal)!))
      }
      if (options.trace) options.trace(`${request.principal} ${request.operation} ${request.mutation} -> ${answer instanceof Error ? answer.message : `${answer.status} ${answer.text.slice(0, 160)}`}\n    ${toCurl(request)}`)
      if (!shrinking) {
        report.requests++
        const statusClass = answer instanceof Error ? 'no answer' : `${Math.floor(answer.status / 100)}xx`
        report.statusClasses[statusClass] = (report.statusClasses[statusClass] ?? 0) + 1
        report.byMutation[request.mutation] = (report.byMutation[request.mutation] ?? 0) + 1
        if (!(answer instanceof Error) && answer.status >= 500) report.serverErrors++
        if (problems.some((p) => p.startsWith('error outside'))) report.nonEnvelope++
        if (problems.some((p) => p.includes('must not see'))) report.leaks++
        if (problems.some((p) => p.startsWith('a rejected request'))) report.changedByRejected++
        if (report.requests % 100 === 0) {
          if (!(await healthy(server))) problems.push('/healthz no longer answers')
          log(`${report.requests} requests, ${JSON.stringify(report.statusClasses)}`)
        }
      }
      if (problems.length) {
        shrinking = true
        throw new Error(problems.join('; '))
      }
    })
    const result = await fc.check(property, { seed: options.seed, numRuns: options.requests, interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false, endOnFailure: false })
    if (result.failed && result.counterexample) {
      const [request] = result.counterexample
      const message = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)
      report.failure = { curl: toCurl(request), problems: message.split('; '), request }
    } else if (result.failed) {
      report.failure = { curl: '', problems: [String(result.errorInstance)], request: undefined as never }
    }
  } finally {
    await server.close()
    report.ms = Date.now() - started
  }
  return report
}

/** The report as a few lines: counts, then the failure (problems and the curl line) if any. */
export function describeReport(report: FuzzReport): string {
  const lines = [
    `seed ${report.seed}: ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s`,
    `status classes ${JSON.stringify(report.statusClasses)}; 5xx ${report.serverErrors}; outside the envelope ${report.nonEnvelope}; leaks ${report.leaks}; rejected yet changed ${report.changedByRejected}`,
    `mutations ${JSON.stringify(report.byMutation)}`,
  ]
  if (report.failure) lines.push('FAILED (shrunk):', ...report.failure.problems.map((p) => `  - ${p}`), report.failure.curl)
  return lines.join('\n')
}
