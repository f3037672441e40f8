/** The soak's measurements: requests gathered into windows, one sample per window, and what the samples say after warm-up. */
import { existsSync, readFileSync, statSync } from 'node:fs'
import type { Recorder } from './traffic.js'

export type Sample = {
  /** Seconds since the traffic started, at the window's end. */
  at: number
  /** The server's resident set (VmRSS), MiB. */
  rssMiB: number
  /**
   * What the server itself reported (bench/soak/memory-probe.cjs), MiB: V8's heap as committed, what it held just
   * after the last full collection (the live objects), and memory held for JavaScript objects outside it (Buffers).
   */
  heapTotalMiB: number
  liveAfterGcMiB: number
  externalMiB: number
  /** The part of the RSS that is mapped files (mostly the node binary, paged in as its code is first run), MiB. */
  rssFileMiB: number
  /** Major garbage collections since the server started. */
  majorGcs: number
  /** The SQLite database file, MiB (NaN on PostgreSQL): SQLite's page cache fills as it grows, up to its limit. */
  databaseMiB: number
  requests: number
  errors: number
  p50: number
  p99: number
  echoes: number
  echoP50: number
  echoP99: number
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : NaN)

/** A process's resident set (VmRSS) and its file-backed part (RssFile), MiB (Linux /proc). */
export function rssMiB(pid: number): { rssMiB: number; rssFileMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const mib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024
  return { rssMiB: mib('VmRSS'), rssFileMiB: mib('RssFile') }
}

/** What a sample reads of the server itself: its memory, and the size of its database file. */
export type ServerReading = Pick<Sample, 'rssMiB' | 'rssFileMiB' | 'heapTotalMiB' | 'liveAfterGcMiB' | 'externalMiB' | 'majorGcs' | 'databaseMiB'>

/**
 * The server's RSS, its own report of its heap as the memory probe last wrote it, and the size of its SQLite
 * database if it has one (NaN where there is none).
 */
export function readServer(pid: number, probeFile: string, databaseFile: string): ServerReading {
  let probe: Partial<Record<'heapTotal' | 'liveAfterGc' | 'external' | 'majorGcs', number>> = {}
  try {
    probe = JSON.parse(readFileSync(probeFile, 'utf8'))
  } catch {
    // not written yet
  }
  const mib = (bytes: number | undefined) => (bytes === undefined ? NaN : bytes / 2 ** 20)
  const databaseMiB = existsSync(databaseFile) ? statSync(databaseFile).size / 2 ** 20 : NaN
  return { ...rssMiB(pid), databaseMiB, heapTotalMiB: mib(probe.heapTotal), liveAfterGcMiB: mib(probe.liveAfterGc), externalMiB: mib(probe.external), majorGcs: probe.majorGcs ?? NaN }
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

  sample(at: number, server: ServerReading): Sample {
    const latencies = this.latencies.sort((a, b) => a - b)
    const echoes = this.echoLatencies.sort((a, b) => a - b)
    const sample: Sample = {
      at,
      ...server,
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
  /** Largest rise of a sample's RSS over the baseline, % of the baseline: what the target bounds. */
  maxRisePct: number
  /** Largest fall of a sample's RSS under the baseline, %: memory handed back (V8 shrinking its heap), reported, not a failure. */
  maxFallPct: number
  /** The least-squares line's rise over the measured span, % of the baseline. */
  fittedGrowthPct: number
  slopeMiBPerMinute: number
  /** Mean RSS of the last third against the first third, %. */
  lastVsFirstThirdPct: number
  /** The least-squares rise of the live heap (after full GCs) over the span, % of its first third's mean: a leak of JavaScript objects shows here. */
  liveFittedGrowthPct: number
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
 * The targets, on the samples after warm-up: RSS never more than 10% over the baseline (the first third's mean)
 * and a fitted rise under 10% over the span (memory that grows; a sample under the baseline is memory handed back); the last third's median p99 within 1.5× of the first
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
  const maxRisePct = Math.max(0, ...kept.map((s) => s.rssMiB - baselineMiB)) / baselineMiB * 100
  const maxFallPct = Math.max(0, ...kept.map((s) => baselineMiB - s.rssMiB)) / baselineMiB * 100
  const fittedGrowthPct = (slopeMiBPerMinute * span) / baselineMiB * 100
  const lastVsFirstThirdPct = (mean(last.map((s) => s.rssMiB)) / baselineMiB - 1) * 100
  const live = kept.filter((s) => Number.isFinite(s.liveAfterGcMiB))
  const liveBaseline = mean(live.slice(0, third).map((s) => s.liveAfterGcMiB))
  const liveFittedGrowthPct = (slope(live.map((s) => s.at / 60), live.map((s) => s.liveAfterGcMiB)) * span) / liveBaseline * 100
  const p99Drift = median(last.map((s) => s.p99)) / median(first.map((s) => s.p99))
  const echoP99Drift = median(last.map((s) => s.echoP99)) / median(first.map((s) => s.echoP99))
  return {
    samples: kept.length,
    baselineMiB,
    maxRisePct,
    maxFallPct,
    fittedGrowthPct,
    slopeMiBPerMinute,
    lastVsFirstThirdPct,
    liveFittedGrowthPct,
    p99Drift,
    echoP99Drift,
    errors: all.reduce((n, s) => n + s.errors, 0),
    rssMet: maxRisePct <= 10 && fittedGrowthPct < 10,
    p99Met: p99Drift <= 1.5 && echoP99Drift <= 1.5,
  }
}
