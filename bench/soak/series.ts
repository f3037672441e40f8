/** The soak's measurements: requests gathered into windows, one sample per window, and what the samples say after warm-up. */
import { readFileSync } from 'node:fs'
import type { Recorder } from './traffic.js'

export type Sample = {
  /** Seconds since the traffic started, at the window's end. */
  at: number
  /** The server's resident set (VmRSS), MiB. */
  rssMiB: number
  requests: number
  errors: number
  p50: number
  p99: number
  echoes: number
  echoP50: number
  echoP99: number
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : NaN)

/** Resident set size of a process, MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return kib ? Number(kib) / 1024 : NaN
}

/** Collects one window's requests; `sample` closes the window and opens the next. Keeps the first few error details. */
export class Windows implements Recorder {
  private latencies: number[] = []
  private echoLatencies: number[] = []
  private errors = 0
  readonly errorDetails: string[] = []

  request(ms: number, ok: boolean, what: string, detail: string): void {
    if (ok) this.latencies.push(ms)
    else this.fail(`${what}: ${detail}`)
  }

  echo(ms: number, ok: boolean, detail: string): void {
    if (ok) this.echoLatencies.push(ms)
    else this.fail(`runtime round trip: ${detail}`)
  }

  private fail(detail: string) {
    this.errors++
    if (this.errorDetails.length < 20) this.errorDetails.push(detail)
  }

  sample(at: number, pid: number): Sample {
    const latencies = this.latencies.sort((a, b) => a - b)
    const echoes = this.echoLatencies.sort((a, b) => a - b)
    const sample: Sample = {
      at,
      rssMiB: rssMiB(pid),
      requests: latencies.length + this.errors,
      errors: this.errors,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      echoes: echoes.length,
      echoP50: percentile(echoes, 50),
      echoP99: percentile(echoes, 99),
    }
    this.latencies = []
    this.echoLatencies = []
    this.errors = 0
    return sample
  }
}

export type Verdict = {
  samples: number
  baselineMiB: number
  /** Largest distance of a sample's RSS from the baseline, % of the baseline. */
  maxDeviationPct: number
  /** The least-squares line's rise over the measured span, % of the baseline. */
  fittedGrowthPct: number
  slopeMiBPerMinute: number
  /** Mean RSS of the last third against the first third, %. */
  lastVsFirstThirdPct: number
  /** Median window p99 of the last third over the first third's. */
  p99Drift: number
  echoP99Drift: number
  errors: number
  rssMet: boolean
  p99Met: boolean
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50)

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]) {
  const mx = mean(xs)
  const my = mean(ys)
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den ? num / den : 0
}

/**
 * The targets, on the samples after warm-up: RSS within 10% of the baseline (the first third's mean) at every
 * sample and a fitted rise under 10% over the span; the last third's median p99 within 1.5× of the first
 * third's; no error over the whole run.
 */
export function judge(all: Sample[], warmupSeconds: number): Verdict {
  const kept = all.filter((s) => s.at > warmupSeconds)
  const third = Math.max(1, Math.floor(kept.length / 3))
  const first = kept.slice(0, third)
  const last = kept.slice(-third)
  const baselineMiB = mean(first.map((s) => s.rssMiB))
  const minutes = kept.map((s) => s.at / 60)
  const slopeMiBPerMinute = slope(minutes, kept.map((s) => s.rssMiB))
  const span = (minutes.at(-1) ?? 0) - (minutes[0] ?? 0)
  const maxDeviationPct = Math.max(...kept.map((s) => Math.abs(s.rssMiB - baselineMiB))) / baselineMiB * 100
  const fittedGrowthPct = (slopeMiBPerMinute * span) / baselineMiB * 100
  const lastVsFirstThirdPct = (mean(last.map((s) => s.rssMiB)) / baselineMiB - 1) * 100
  const p99Drift = median(last.map((s) => s.p99)) / median(first.map((s) => s.p99))
  const echoP99Drift = median(last.map((s) => s.echoP99)) / median(first.map((s) => s.echoP99))
  return {
    samples: kept.length,
    baselineMiB,
    maxDeviationPct,
    fittedGrowthPct,
    slopeMiBPerMinute,
    lastVsFirstThirdPct,
    p99Drift,
    echoP99Drift,
    errors: all.reduce((n, s) => n + s.errors, 0),
    rssMet: maxDeviationPct <= 10 && fittedGrowthPct < 10,
    p99Met: p99Drift <= 1.5 && echoP99Drift <= 1.5,
  }
}
