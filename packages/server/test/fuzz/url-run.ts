/**
 * The file URLs' part of a fuzz run (file-urls.ts): fast-check draws URL requests, each sent as the API's URL
 * of the moment with one mutation, and checks what every answer owes plus the URLs' own invariants. The
 * "a rejected request changes nothing" check does not apply: a refused upload marks its file `upload_failed`
 * with the reason, by design.
 */
import fc from 'fast-check'
import type { TestServer } from '@bpkit/server'
import { buildUrlWorld, urlRequestArbitrary, urlViolations, urlWireOf, type UrlRequest } from './file-urls.js'
import { errorViolations } from './invariants.js'
import { failureOf, tally, type FuzzReport } from './report.js'
import { toCurl, type WireRequest } from './requests.js'
import { healthy, send, sendRaw } from './send.js'

type UrlOptions = { seed: number; requests: number; timeLimitMs?: number; requestTimeoutMs?: number; trace?: (line: string) => void }

export async function fuzzFileUrls(server: TestServer, options: UrlOptions, report: FuzzReport): Promise<void> {
  const world = await buildUrlWorld(server)
  const sent = new WeakMap<UrlRequest, WireRequest>()
  let shrinking = false
  let first: FuzzReport['failure']
  let last: Promise<void> | undefined
  const property = fc.asyncProperty(urlRequestArbitrary, (request) => {
    // The request in flight when the time limit strikes is awaited after the check, so it is answered and judged.
    const run = (async () => {
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
      if (!shrinking) {
        tally(report, wire, answer, problems)
        report.urlRequests++
      }
      if (problems.length) {
        if (!shrinking) first = { curl: toCurl(wire), problems, request: wire }
        shrinking = true
        throw new Error(problems.join('; '))
      }
    })()
    last = run
    return run
  })
  const result = await fc.check(property, { seed: options.seed, numRuns: options.requests, interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false, endOnFailure: false })
  await last?.catch(() => {})
  // A time limit that cuts the shrinking short leaves fast-check without a counterexample: the first failure stands.
  report.failure = failureOf(result, (request) => sent.get(request)) ?? first
}
