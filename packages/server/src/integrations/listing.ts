import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { Database } from '../store/database.js'
import { invalidPayload } from '../errors.js'
import { DEFAULT_PAGE_SIZE, paginate } from '../store/pagination.js'
import { installCountSql } from './installs.js'
import { contains } from '../store/like.js'
import { LATEST, latestPerName } from './naming.js'
import type { PackageRow } from './store.js'
import type { HubKind } from './tables.js'

type Db = Kysely<Database>
type Query = SelectQueryBuilder<Database, 'hubPackages', PackageRow>

const MAX_PAGE_SIZE = 100

export type ListFilter = {
  kind: HubKind
  /** A workspace's own definitions, or the hub: every workspace's public ones. */
  scope: { workspaceId: string } | 'hub'
  name?: string
  /** An exact version, or `latest` for the highest version of each name. */
  version?: string
  dev?: boolean
  visibility?: 'public' | 'private'
  verificationStatus?: string
  interfaceId?: string
  interfaceName?: string
  /** Only these ids (the integrations a bot installs). */
  ids?: string[]
  search?: string
  sortBy?: 'popularity' | 'name' | 'createdAt' | 'updatedAt' | 'installCount'
  direction?: 'asc' | 'desc'
  limit?: number
  nextToken?: string
}

function filtered(db: Db, f: ListFilter): Query {
  let q = db.selectFrom('hubPackages').selectAll('hubPackages').where('hubPackages.kind', '=', f.kind)
  if (f.scope === 'hub') q = q.where('visibility', '=', 'public').where('dev', '=', 0)
  else {
    // A bot may install shared definitions of other workspaces: those are listed with its own.
    const workspaceId = f.scope.workspaceId
    q = f.ids ? q.where((eb) => eb.or([eb('workspaceId', '=', workspaceId), eb('visibility', '<>', 'private')])) : q.where('workspaceId', '=', workspaceId)
  }
  if (f.kind === 'integration' && f.scope !== 'hub') q = q.where('dev', '=', f.dev ? 1 : 0)
  if (f.ids) q = f.ids.length ? q.where('hubPackages.id', 'in', f.ids) : q.where(sql<boolean>`1 = 0`)
  if (f.name !== undefined) q = q.where('name', '=', f.name)
  if (f.version !== undefined && f.version !== LATEST) q = q.where('version', '=', f.version)
  if (f.visibility) q = f.visibility === 'private' ? q.where('visibility', '=', 'private') : q.where('visibility', '<>', 'private')
  if (f.verificationStatus) q = q.where('verificationStatus', '=', f.verificationStatus as PackageRow['verificationStatus'])
  if (f.search) q = q.where(contains('keywords', f.search.toLowerCase()))
  if (f.interfaceId || f.interfaceName) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('hubReferences')
          .innerJoin('hubPackages as target', 'target.id', 'hubReferences.targetId')
          .select('hubReferences.alias')
          .whereRef('hubReferences.packageId', '=', 'hubPackages.id')
          .where('target.kind', '=', 'interface')
          .$if(!!f.interfaceId, (s) => s.where('target.id', '=', f.interfaceId!))
          .$if(!!f.interfaceName, (s) => s.where('target.name', '=', f.interfaceName!)),
      ),
    )
  }
  return q
}

/** One page of definitions matching `f`, in a stable order. */
export async function listPackages(db: Db, f: ListFilter): Promise<{ rows: PackageRow[]; nextToken?: string }> {
  if (f.limit !== undefined && !(Number.isInteger(f.limit) && f.limit >= 1)) throw invalidPayload('"limit" must be a positive integer')
  const pageSize = Math.min(f.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
  let query = filtered(db, f)
  if (f.version === LATEST) {
    const candidates = await filtered(db, f).clearSelect().select(['hubPackages.id', 'name', 'version']).execute()
    const ids = latestPerName(candidates)
    query = ids.length ? query.where('hubPackages.id', 'in', ids) : query.where(sql<boolean>`1 = 0`)
  }
  const sortBy = f.sortBy ?? 'createdAt'
  const direction = f.direction ?? (sortBy === 'name' ? 'asc' : 'desc')
  if (sortBy === 'popularity' || sortBy === 'installCount') {
    const ranked = db.selectFrom(query.select(installCountSql('hubPackages.id').as('installs')).as('p')).selectAll('p')
    const page = await paginate(ranked, { sortColumn: 'p.installs', idColumn: 'p.id', direction, nextToken: f.nextToken, pageSize })
    return { rows: page.items as PackageRow[], nextToken: page.meta.nextToken }
  }
  const page = await paginate(query, { sortColumn: `hubPackages.${sortBy}`, idColumn: 'hubPackages.id', direction, nextToken: f.nextToken, pageSize })
  return { rows: page.items, nextToken: page.meta.nextToken }
}
