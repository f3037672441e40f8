/** The loop both fuzz runs share: fast-check draws values, each becomes one request judged by the caller. */
import fc from 'fast-check'
import type { FuzzReport } from './report.js'
import { failureOf } from './report.js'
import { toCurl, type WireRequest } from './requests.js'

export type Judged = { wire: WireRequest; problems: string[] }

/**
 * Runs `judge` on each value drawn from `arbitrary` until `numRuns` values or the time limit, and answers the
 * shrunk failure, if any. `judge` sends one request and says what was wrong with its answer; `counting` is false
 * while fast-check shrinks a failure, whose requests the report does not count. The request in flight when the
 * time limit strikes is awaited, so it is answered and judged; when the limit cuts the shrinking short, the first
 * failure stands.
 */
export async function checkRequests<T>(
  arbitrary: fc.Arbitrary<T>,
  options: { seed: number; numRuns: number; timeLimitMs?: number },
  judge: (value: T, counting: boolean) => Promise<Judged>,
  wireOf: (value: T) => WireRequest | undefined,
): Promise<FuzzReport['failure']> {
  let shrinking = false
  let first: FuzzReport['failure']
  let last: Promise<void> | undefined
  const property = fc.asyncProperty(arbitrary, (value) => {
    const run = (async () => {
      const { wire, problems } = await judge(value, !shrinking)
      if (!problems.length) return
      if (!shrinking) first = { curl: toCurl(wire), problems, request: wire }
      shrinking = true
      throw new Error(problems.join('; '))
    })()
    last = run
    return run
  })
  const result = await fc.check(property, { seed: options.seed, numRuns: options.numRuns, interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false, endOnFailure: false })
  await last?.catch(() => {})
  return failureOf(result, wireOf) ?? first
}
