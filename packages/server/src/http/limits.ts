import { ApiError } from '../errors.js'

/** Limits on how much one caller may ask of the server at once and per minute; 0 turns a limit off. */
export type TrafficLimits = {
  /** Requests of one token in flight at once. */
  maxConcurrentPerToken: number
  /** Requests per minute of one token. */
  rateLimitPerToken: number
  /** Requests per minute acting on one bot, whoever sends them. */
  rateLimitPerBot: number
}

/** A 429 RateLimited that says when to come back, as Botpress Cloud does. */
export class RateLimitedError extends ApiError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RateLimited', message)
  }
}

/** A token bucket per key: `perMinute` requests a minute, with bursts of up to `perMinute`. */
class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(private readonly perMinute: number) {}

  private refill(key: string, now: number) {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (this.buckets.size > 100_000) this.forgetFull()
    return bucket
  }

  /** Seconds until `key` has a request to spend; 0 when it has one now. */
  wait(key: string, now = Date.now()): number {
    const bucket = this.refill(key, now)
    return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute)
  }

  take(key: string, now = Date.now()): void {
    this.refill(key, now).tokens -= 1
  }

  /** Full buckets hold nothing worth keeping. */
  private forgetFull() {
    for (const [key, bucket] of this.buckets) if (bucket.tokens >= this.perMinute) this.buckets.delete(key)
  }
}

/**
 * Admits or refuses one request before its handler runs. Per token: a cap on requests in flight and a
 * rate. Per bot: a rate, charged only once the request's bot has been verified (so a stranger naming a
 * bot in `x-bot-id` cannot spend that bot's allowance), and checked against the bot the request names.
 */
export class TrafficGate {
  private readonly inFlight = new Map<string, number>()
  private readonly tokens?: Buckets
  private readonly bots?: Buckets

  constructor(private readonly limits: TrafficLimits) {
    if (limits.rateLimitPerToken > 0) this.tokens = new Buckets(limits.rateLimitPerToken)
    if (limits.rateLimitPerBot > 0) this.bots = new Buckets(limits.rateLimitPerBot)
  }

  /** Admits a request of `tokenId` acting on `botId` (if it names one); returns the release to call when it ends. */
  admit(tokenId: string, botId: string | undefined): () => void {
    const botWait = botId && this.bots ? this.bots.wait(botId) : 0
    if (botWait) throw new RateLimitedError(`Too many requests for bot "${botId}": the limit is ${this.limits.rateLimitPerBot} a minute (BPKIT_RATE_LIMIT_PER_BOT)`, botWait)
    if (this.tokens) {
      const wait = this.tokens.wait(tokenId)
      if (wait) throw new RateLimitedError(`Too many requests for this token: the limit is ${this.limits.rateLimitPerToken} a minute (BPKIT_RATE_LIMIT_PER_TOKEN)`, wait)
      this.tokens.take(tokenId)
    }
    const max = this.limits.maxConcurrentPerToken
    if (max <= 0) return () => {}
    const current = this.inFlight.get(tokenId) ?? 0
    if (current >= max) throw new RateLimitedError(`Too many concurrent requests for this token: at most ${max} at once (BPKIT_MAX_CONCURRENT_PER_TOKEN)`, 1)
    this.inFlight.set(tokenId, current + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.inFlight.get(tokenId) ?? 1) - 1
      if (left > 0) this.inFlight.set(tokenId, left)
      else this.inFlight.delete(tokenId)
    }
  }

  /** Spends one request of the bot a finished request acted on. */
  charge(botId: string): void {
    this.bots?.take(botId)
  }
}
