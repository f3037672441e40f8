import type { ApiError } from './errors.js'
import type { RetryConfig } from './types.js'

export type RetryPolicy = {
  retries: number
  /** `retrySafe` says whether repeating the operation cannot duplicate a write. */
  shouldRetry(error: ApiError, retrySafe: boolean): boolean | Promise<boolean>
  delay(retryCount: number, error: ApiError): number
}

const baseDelay = 300
const maxBackoff = 8_000
const defaultMaxDelay = 60_000

/** Network failures (no response), 429 and 5xx. */
const isTransient = (error: ApiError): boolean => {
  const status = error.response?.status
  return status === undefined || status === 429 || status >= 500
}

/** Milliseconds asked by a `Retry-After` header (seconds or an HTTP date), if any. */
function retryAfter(error: ApiError): number | undefined {
  const value = error.response?.headers.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now()
  return Number.isNaN(ms) ? undefined : Math.max(0, ms)
}

/** Exponential backoff with full jitter: a uniform wait between 0 and base·2^(n-1), capped. */
const backoff = (retryCount: number): number => Math.random() * Math.min(maxBackoff, baseDelay * 2 ** (retryCount - 1))

export function retryPolicy(config: RetryConfig | false | undefined): RetryPolicy | undefined {
  if (config === false) return undefined
  const { retries = 2, retryCondition, retryDelay, maxDelay = defaultMaxDelay } = config ?? {}
  if (retries <= 0) return undefined
  return {
    retries,
    shouldRetry: retryCondition ? (error) => retryCondition(error) : (error, retrySafe) => retrySafe && isTransient(error),
    delay: (count, error) => Math.min(maxDelay, retryDelay ? retryDelay(count, error) : (retryAfter(error) ?? backoff(count))),
  }
}
