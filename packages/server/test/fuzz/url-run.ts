/**
 * The file URLs' part of a fuzz run (file-urls.ts): fast-check draws URL requests, each sent as the API's URL
 * of the moment with one mutation, and checks what every answer owes plus the URLs' own invariants. The
 * "a rejected request changes nothing" check does not apply: a refused upload marks its file `upload_failed`
 * with the reason, by design.
 */
import type { TestServer } from '@bpkit/server'
import { buildUrlWorld, urlRequestArbitrary, urlViolations, urlWireOf, type UrlRequest } from './file-urls.js'
import { errorViolations } from './invariants.js'
import { checkRequests } from './check.js'
import { tally, type FuzzReport } from './report.js'
import type { WireRequest } from './requests.js'
import { healthy, send, sendRaw } from './send.js'

type UrlOptions = { seed: number; requests: number; timeLimitMs?: number; requestTimeoutMs?: number; trace?: (line: string) => void }

export async function fuzzFileUrls(server: TestServer, options: UrlOptions, report: FuzzReport): Promise<void> {
  const world = await buildUrlWorld(server)
  const sent = new WeakMap<UrlRequest, WireRequest>()
  const judge = async (request: UrlRequest, counting: boolean) => {
    const wire = await urlWireOf(world, request)
    sent.set(request, wire)
    const timeout = options.requestTimeoutMs ?? 30_000
    // A Content-Length set by the mutation (a lie, or a body past the limit) goes out over a plain socket.
    const answer = wire.headers['content-length'] ? await sendRaw(wire, timeout) : await send(wire, timeout)
    const problems: string[] = []
    if (answer instanceof Error) {
      problems.push(`no answer: ${answer.message}`)
      if (!(await healthy(server))) problems.push('/healthz no longer answers')
    } else {
      problems.push(...errorViolations(answer, wire.method), ...urlViolations(request, answer.status, answer.text))
    }
    options.trace?.(`${wire.operation} ${wire.mutation} -> ${answer instanceof Error ? answer.message : `${answer.status} ${answer.text.slice(0, 160)}`}`)
    if (counting) {
      tally(report, wire, answer, problems)
      report.urlRequests++
    }
    return { wire, problems }
  }
  report.failure = await checkRequests(urlRequestArbitrary, { seed: options.seed, numRuns: options.requests, timeLimitMs: options.timeLimitMs }, judge, (request) => sent.get(request))
}
