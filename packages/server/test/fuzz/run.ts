/**
 * The fuzz run: a real server on 127.0.0.1, the world of world.ts, and fast-check drawing requests of
 * requests.ts until the count or the time limit is reached. Every answer is checked (invariants.ts) and the
 * server's /healthz is asked after every request that got no answer, and every 100 requests. A failure is
 * shrunk by fast-check and reported as a `curl` line.
 */
import { startTestServer, type TestServer } from '@bpkit/server'
import { buildWorld, type World } from './world.js'
import { requestArbitrary, toCurl, type WireRequest } from './requests.js'
import { violations } from './invariants.js'
import { healthy, send } from './send.js'
import { checkRequests } from './check.js'
import { emptyReport, tally, type FuzzReport } from './report.js'
import { changedTables, fingerprint } from './unchanged.js'
import { fuzzFileUrls } from './url-run.js'

export { describeReport, type FuzzReport } from './report.js'

const FUZZ_FILE_SIZE_LIMIT = 256 * 1024

export type FuzzOptions = {
  seed: number
  requests: number
  /** Stop drawing new requests after this long (the run still counts as passed). */
  timeLimitMs?: number
  /** Requests to the file upload and download URLs, after the API's (file-urls.ts); none by default. */
  urlRequests?: number
  urlTimeLimitMs?: number
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

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {})
  const started = Date.now()
  // A small file size limit, so that the file URLs can be sent a body past it cheaply.
  const server = await startTestServer({ database: options.database, logLevel: options.serverLogLevel ?? 'silent', fileSizeLimit: FUZZ_FILE_SIZE_LIMIT })
  const report = emptyReport(options.seed)
  try {
    const world: World = await buildWorld(server)
    const principals = new Map(world.principals.map((p) => [p.name, p]))
    let drawn = 0
    const judge = async (request: WireRequest, counting: boolean) => {
      // Every fourth request (every one while shrinking) is checked to change nothing if it is rejected.
      const before = !counting || drawn++ % 4 === 0 ? await fingerprint(server) : undefined
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
      if (counting) {
        tally(report, request, answer, problems)
        if (report.requests % 100 === 0) {
          if (!(await healthy(server))) problems.push('/healthz no longer answers')
          log(`${report.requests} requests, ${JSON.stringify(report.statusClasses)}`)
        }
      }
      return { wire: request, problems }
    }
    report.failure = await checkRequests(requestArbitrary(world, server.url), { seed: options.seed, numRuns: options.requests, timeLimitMs: options.timeLimitMs }, judge, (request) => request)
    if (!report.failure && options.urlRequests) await fuzzFileUrls(server, { ...options, requests: options.urlRequests, timeLimitMs: options.urlTimeLimitMs }, report)
  } finally {
    await server.close()
    report.ms = Date.now() - started
  }
  return report
}
