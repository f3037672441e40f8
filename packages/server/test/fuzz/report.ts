/** What a fuzz run found: counts by status class and mutation, the invariants broken, and the shrunk failure. */
import type fc from 'fast-check'
import type { Answer } from './invariants.js'
import { toCurl, type WireRequest } from './requests.js'

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
  /** Of `requests`, those sent to the file upload and download URLs (file-urls.ts). */
  urlRequests: number
  /** The shrunk failing request and what was wrong, if any. */
  failure?: { curl: string; problems: string[]; request: WireRequest }
  ms: number
}

export const emptyReport = (seed: number): FuzzReport => ({ seed, requests: 0, urlRequests: 0, statusClasses: {}, serverErrors: 0, nonEnvelope: 0, leaks: 0, changedByRejected: 0, byMutation: {}, ms: 0 })

/** Counts one request's answer and its problems into the report. */
export function tally(report: FuzzReport, request: WireRequest, answer: Answer | Error, problems: string[]): void {
  report.requests++
  const statusClass = answer instanceof Error ? 'no answer' : `${Math.floor(answer.status / 100)}xx`
  report.statusClasses[statusClass] = (report.statusClasses[statusClass] ?? 0) + 1
  report.byMutation[request.mutation] = (report.byMutation[request.mutation] ?? 0) + 1
  if (!(answer instanceof Error) && answer.status >= 500) report.serverErrors++
  if (problems.some((p) => p.startsWith('error outside'))) report.nonEnvelope++
  if (problems.some((p) => p.includes('must not see'))) report.leaks++
  if (problems.some((p) => p.startsWith('a rejected request'))) report.changedByRejected++
}

/** A failed fast-check run's counterexample as the report's failure. */
export function failureOf<T>(result: fc.RunDetails<[T]>, toWire: (value: T) => WireRequest | undefined): FuzzReport['failure'] {
  if (!result.failed) return undefined
  const message = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)
  const request = result.counterexample ? toWire(result.counterexample[0]) : undefined
  return { curl: request ? toCurl(request) : '', problems: message.split('; '), request: request as WireRequest }
}

/** The report as a few lines: counts, then the failure (problems and the curl line) if any. */
export function describeReport(report: FuzzReport): string {
  const lines = [
    `seed ${report.seed}: ${report.requests} requests (${report.urlRequests} of them to file URLs) in ${(report.ms / 1000).toFixed(1)} s`,
    `status classes ${JSON.stringify(report.statusClasses)}; 5xx ${report.serverErrors}; outside the envelope ${report.nonEnvelope}; leaks ${report.leaks}; rejected yet changed ${report.changedByRejected}`,
    `mutations ${JSON.stringify(report.byMutation)}`,
  ]
  if (report.failure) lines.push('FAILED (shrunk):', ...report.failure.problems.map((p) => `  - ${p}`), report.failure.curl)
  return lines.join('\n')
}
