import { invalidPayload } from './errors.js'

/** The server's notion of now. Handlers read time only through here so that it has one definition. */
export type Clock = { now(): Date }

export const systemClock: Clock = { now: () => new Date() }

/** Timestamps are stored and returned as ISO 8601 UTC strings, which sort like the instants they name. */
export const isoNow = (clock: Clock) => clock.now().toISOString()

/** `value` (an ISO 8601 date given by a caller) as a normalized ISO 8601 instant, or a 400 naming `field`. */
export function isoTime(field: string, value: string): string {
  const time = new Date(value)
  if (Number.isNaN(time.getTime())) throw invalidPayload(`Invalid "${field}" ${JSON.stringify(value)}: expected an ISO 8601 date`)
  return time.toISOString()
}
