import { createHash } from 'node:crypto'
import { invalidPayload } from '../errors.js'

export type Tags = Record<string, string>

/** Tags as given on create: an empty value means "no such tag", so it is not stored. */
export const cleanTags = (tags: Tags | undefined): Tags => mergeTags({}, tags)

/** Applies an update's tags over the stored ones: a key with an empty value is unset, others are set. */
export function mergeTags(current: Tags, update: Tags | undefined): Tags {
  const merged = { ...current }
  for (const [key, value] of Object.entries(update ?? {})) {
    if (value === '') delete merged[key]
    else merged[key] = value
  }
  return merged
}

/**
 * The tags a get-or-create matches on: all of them, or only those named by `discriminateByTags` (each of
 * which must be among the given tags, else the lookup would silently match on less than asked).
 */
export function discriminatingTags(tags: Tags, discriminateByTags: string[] | undefined): Tags {
  if (!discriminateByTags) return tags
  const picked: Tags = {}
  for (const key of discriminateByTags) {
    if (!Object.hasOwn(tags, key)) throw invalidPayload(`"discriminateByTags" names the tag "${key}", which is not in "tags"`)
    picked[key] = tags[key]!
  }
  return picked
}

/** A stable key for "the record of this scope with these tags", claimed under a unique constraint. */
export function lookupKey(scope: readonly (string | null | undefined)[], tags: Tags): string {
  const canonical = JSON.stringify([scope, Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))])
  return createHash('sha256').update(canonical).digest('base64url')
}
