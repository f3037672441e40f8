import { invalidPayload } from '../errors.js'

/** An ISO 8601 date from the request, normalized to the stored form (UTC, milliseconds) so it compares as text. */
export function isoDate(field: string, value: string): string
export function isoDate(field: string, value: string | undefined): string | undefined
export function isoDate(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const time = Date.parse(value)
  if (Number.isNaN(time)) throw invalidPayload(`"${field}" must be an ISO 8601 date, got ${JSON.stringify(value)}`)
  return storedDate(field, time)
}

const FIRST_STORABLE = Date.parse('0000-01-01T00:00:00.000Z')
const LAST_STORABLE = Date.parse('9999-12-31T23:59:59.999Z')

/** A time as the stored text; years outside 0000–9999 are refused, their text would not sort as dates. */
function storedDate(field: string, time: number): string {
  if (!(time >= FIRST_STORABLE && time <= LAST_STORABLE)) throw invalidPayload(`"${field}" must be a date between the years 0000 and 9999`)
  return new Date(time).toISOString()
}

export type Schedule = { dateTime?: string; delay?: number }

/** When a scheduled event or message is due: `dateTime`, or `delay` milliseconds from now. */
export function scheduledTime(schedule: Schedule, now: string): string {
  if (schedule.dateTime !== undefined && schedule.delay !== undefined) {
    throw invalidPayload('"schedule" takes either "dateTime" or "delay", not both')
  }
  if (schedule.dateTime !== undefined) return isoDate('schedule.dateTime', schedule.dateTime)
  if (schedule.delay !== undefined) {
    if (!Number.isFinite(schedule.delay) || schedule.delay < 0) throw invalidPayload('"schedule.delay" must be a number of milliseconds ≥ 0')
    return storedDate('schedule.delay', Date.parse(now) + schedule.delay)
  }
  throw invalidPayload('"schedule" needs "dateTime" or "delay"')
}

/** `now` plus `ms` milliseconds (from the request's `field`), as an ISO string. */
export const addMs = (now: string, ms: number, field = 'expiry') => storedDate(field, Date.parse(now) + ms)
