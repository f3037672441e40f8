import { sql } from 'kysely'
import type { PublicHandlers } from '../handlers.js'
import { notFound } from '../errors.js'
import { paginate } from '../store/pagination.js'
import type { Db } from '../store/store.js'
import { toPublicWorkspace } from '../admin/workspace-model.js'

/** The handle pattern `updateWorkspace` accepts: a handle that does not match it is not available. */
const HANDLE_PATTERN = /^[0-9a-z][a-z0-9-_]+[0-9a-z]$/
const SUGGESTIONS = 3

/** `lower(column)` contains `term`, case-insensitively on both stores (`%` and `_` are not wildcards). */
const containsIgnoringCase = (column: string, term: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like ${`%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`

/**
 * The public workspace directory: workspaces whose owners set `isPublic`, readable by any token. A private
 * workspace is "not found" here, whoever asks.
 */
export const publicWorkspaceHandlers: PublicHandlers = {
  async getPublicWorkspace({ id }, ctx) {
    const row = await ctx.db.selectFrom('workspaces').selectAll().where('id', '=', id).where('isPublic', '=', 1).executeTakeFirst()
    if (!row) throw notFound('Public workspace', id)
    return toPublicWorkspace(row)
  },

  async listPublicWorkspaces({ nextToken, workspaceIds, search }, ctx) {
    let query = ctx.db.selectFrom('workspaces').select(['id', 'name', 'handle', 'data', 'createdAt', 'updatedAt']).where('isPublic', '=', 1)
    if (workspaceIds?.length) query = query.where('id', 'in', workspaceIds)
    if (search) query = query.where((eb) => eb.or([containsIgnoringCase('name', search), containsIgnoringCase('handle', search)]))
    const page = await paginate(query, { sortColumn: 'createdAt', direction: 'asc', nextToken })
    return { workspaces: page.items.map(toPublicWorkspace), meta: page.meta }
  },

  async checkHandleAvailability({ handle }, ctx) {
    const taken = await ctx.db.selectFrom('workspaces').select(['id', 'isPublic']).where('handle', '=', handle).executeTakeFirst()
    if (!taken && HANDLE_PATTERN.test(handle)) return { available: true, suggestions: [] }
    // Only a public workspace is named: a private one's id is its members' business.
    return { available: false, suggestions: await freeVariants(ctx.db, handle), usedBy: taken?.isPublic ? taken.id : undefined }
  },
}

/** Up to three free handles close to `handle` (`acme-2`, `acme-3`, ...), each valid for `updateWorkspace`. */
async function freeVariants(db: Db, handle: string): Promise<string[]> {
  const base = handle.replace(/^[-_]+|[-_]+$/g, '').slice(0, 45) || 'workspace'
  const candidates = Array.from({ length: 10 }, (_, i) => `${base}-${i + 2}`).filter((c) => HANDLE_PATTERN.test(c))
  const used = new Set((await db.selectFrom('workspaces').select('handle').where('handle', 'in', candidates).execute()).map((r) => r.handle))
  return candidates.filter((c) => !used.has(c)).slice(0, SUGGESTIONS)
}
