import { ApiError } from '../errors.js'

export type GetOrCreateSteps<Row> = {
  /** The record that holds the lookup key (made by an earlier get-or-create). */
  byKey(): Promise<Row | undefined>
  /** Any other record that matches (e.g. one made by a plain create with the same tags). */
  matching?(): Promise<Row | undefined>
  /** Inserts the new record claiming the lookup key, doing nothing when another caller claimed it first. */
  insert(): Promise<void>
}

/**
 * Get-or-create that concurrent callers agree on: the new record claims a key under a UNIQUE constraint, so
 * of 50 simultaneous callers one insert wins and every caller re-reads that same row.
 */
export async function getOrCreate<Row>(steps: GetOrCreateSteps<Row>): Promise<Row> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = (await steps.byKey()) ?? (await steps.matching?.())
    if (existing) return existing
    await steps.insert()
    const created = await steps.byKey()
    if (created) return created
    // The winning row was deleted between our insert and re-read: try again.
  }
  throw new ApiError('ResourceLockedConflict', 'The record was created and deleted concurrently; retry the request')
}
