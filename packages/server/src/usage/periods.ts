import { invalidPayload } from '../errors.js'

/** A usage period is a calendar month in UTC, written `YYYY-MM`. */
export type Period = { name: string; from: string; until: string }

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/

export function monthOf(iso: string): string {
  return iso.slice(0, 7)
}

/** The period named `name` (default: the month of `now`): `from` inclusive, `until` exclusive, as ISO instants. */
export function periodOf(name: string | undefined, now: string): Period {
  const period = name ?? monthOf(now)
  const match = PERIOD.exec(period)
  if (!match) throw invalidPayload(`Invalid "period" ${JSON.stringify(period)}: expected a month as YYYY-MM`)
  const [year, month] = [Number(match[1]), Number(match[2])]
  return { name: period, from: new Date(Date.UTC(year, month - 1, 1)).toISOString(), until: new Date(Date.UTC(year, month, 1)).toISOString() }
}

/** The months from `first` to `last` (both `YYYY-MM`), newest first, at most `max`. */
export function monthsBetween(first: string, last: string, max: number): string[] {
  const months: string[] = []
  let [year, month] = last.split('-').map(Number) as [number, number]
  while (months.length < max) {
    const name = `${year}-${String(month).padStart(2, '0')}`
    if (name < first) break
    months.push(name)
    month -= 1
    if (month === 0) [year, month] = [year - 1, 12]
  }
  return months
}
