import { ApiError } from '../errors.js'
import type { PackageRow } from './store.js'
import type { Visibility } from './tables.js'

/** The visibility an input asks for: `visibility`, else the deprecated `public` flag, else unchanged (private when new). */
export function visibilityOf(input: { visibility?: Visibility; public?: boolean }, current: Visibility = 'private'): Visibility {
  if (input.visibility) return input.visibility
  if (input.public !== undefined) return input.public ? 'public' : 'private'
  return current
}

/** What may change on a shared (public or unlisted) version: how it is presented and who sees it. */
const presentationFields = new Set(['id', 'title', 'description', 'icon', 'readme', 'visibility', 'public'])

/**
 * A shared version is a published contract: other workspaces' bots may install it, so its definition only
 * changes with a new version (BreakingChanges, naming the fields).
 */
export function checkShareLock(row: PackageRow, input: object): void {
  if (row.visibility === 'private') return
  const changed = Object.entries(input)
    .filter(([key, value]) => value !== undefined && !presentationFields.has(key))
    .map(([key]) => `"${key}"`)
  if (changed.length) {
    throw new ApiError(
      'BreakingChanges',
      `${row.kind} ${row.name}@${row.version} is ${row.visibility}: its definition cannot change without a new version (changed: ${changed.join(', ')}); only title, description, icon, readme and visibility may be updated`,
    )
  }
}
