import type { Insertable, Kysely, Selectable, Updateable } from 'kysely'
import type { RequestContext } from '../context.js'
import type { Database } from '../store/database.js'
import { alreadyExists, forbidden, notFound } from '../errors.js'
import { isUniqueViolation } from '../admin/unique.js'
import { pickVersion } from './naming.js'
import type { HubKind } from './tables.js'

export type PackageRow = Selectable<Database['hubPackages']>
type Db = Kysely<Database>

const label: Record<HubKind, string> = { integration: 'Integration', interface: 'Interface', plugin: 'Plugin' }

/**
 * The workspace a management request acts on. Bot API keys run bots and never manage definitions; an
 * integration key reaches its own integration only (see `ownedPackage`).
 */
export async function managedWorkspace(ctx: RequestContext, kind: HubKind = 'integration'): Promise<string> {
  if (ctx.principal.kind === 'bot') {
    throw forbidden('A bot API key cannot manage integrations, interfaces or plugins: use a personal access token')
  }
  if (ctx.principal.kind === 'integration' && kind !== 'integration') {
    throw forbidden(`An integration API key can only act on its own integration, not on ${kind}s`)
  }
  return (await ctx.workspace()).id
}

/** The integration an integration API key acts as, or undefined for other tokens. */
export const actingIntegrationId = (ctx: RequestContext) => (ctx.principal.kind === 'integration' ? ctx.principal.integrationId : undefined)

/** Refuses integration API keys, for the operations that need a personal access token. */
export function requireAccount(ctx: RequestContext, what: string): void {
  if (ctx.principal.kind !== 'account') throw forbidden(`${what} needs a personal access token`)
}

/** A definition of the caller's workspace; an integration key sees the versions of its own integration and nothing else. */
export async function ownedPackage(ctx: RequestContext, kind: HubKind, id: string): Promise<PackageRow> {
  const workspaceId = await managedWorkspace(ctx, kind)
  const acting = actingIntegrationId(ctx)
  const row = await findPackage(ctx.db, kind, id)
  if (!row || row.workspaceId !== workspaceId) throw notFound(label[kind], id)
  if (acting !== undefined && row.name !== (await actingIntegrationName(ctx))) throw notFound(label[kind], id)
  return row
}

/** The name of the integration an integration API key acts as: the key reaches every version of that name. */
export async function actingIntegrationName(ctx: RequestContext): Promise<string | undefined> {
  const acting = actingIntegrationId(ctx)
  if (acting === undefined) return undefined
  const row = await findPackage(ctx.db, 'integration', acting)
  if (!row) throw notFound('Integration', acting)
  return row.name
}

export const findPackage = (db: Db, kind: HubKind, id: string) =>
  db.selectFrom('hubPackages').selectAll().where('id', '=', id).where('kind', '=', kind).executeTakeFirst()

/** A definition every workspace may read: public or unlisted (never a dev integration). */
export async function sharedPackage(db: Db, kind: HubKind, id: string): Promise<PackageRow> {
  const row = await findPackage(db, kind, id)
  if (!row || row.visibility === 'private') throw notFound(`Public ${label[kind].toLowerCase()}`, id)
  return row
}

/** Whether `workspaceId` may use (reference, install) this definition: its own, or shared with everyone. */
export const usableBy = (row: PackageRow, workspaceId: string) => row.workspaceId === workspaceId || row.visibility !== 'private'

/**
 * The definition `name@version` resolves to (`latest`, exact, or a semver range) among the non-dev
 * definitions of `workspaceId`, or among the shared ones when `workspaceId` is undefined.
 */
export async function packageByName(db: Db, kind: HubKind, name: string, version: string, workspaceId: string | undefined): Promise<PackageRow> {
  let query = db.selectFrom('hubPackages').selectAll().where('kind', '=', kind).where('name', '=', name).where('dev', '=', 0)
  query = workspaceId === undefined ? query.where('visibility', '<>', 'private') : query.where('workspaceId', '=', workspaceId)
  const rows = await query.execute()
  const picked = pickVersion(
    rows.map((r) => r.version),
    version,
  )
  const row = rows.find((r) => r.version === picked)
  if (!row) throw notFound(`${workspaceId === undefined ? 'Public ' + kind : label[kind]}`, `${name}@${version}`)
  return row
}

type Claim = Pick<PackageRow, 'kind' | 'workspaceId' | 'name' | 'version'> & Partial<Pick<PackageRow, 'dev' | 'visibility' | 'id'>>

/**
 * Why `claim` cannot take its name@version, or undefined when it can: a workspace publishes each
 * name@version once, and a shared (public or unlisted) name@version is one definition server-wide.
 * The UNIQUE indexes enforce the same rules; this names the culprit.
 */
export async function takenMessage(db: Db, claim: Claim): Promise<string | undefined> {
  const same = db
    .selectFrom('hubPackages')
    .select(['id', 'workspaceId'])
    .where('kind', '=', claim.kind)
    .where('name', '=', claim.name)
    .where('version', '=', claim.version)
    .where('dev', '=', 0)
    .$if(claim.id !== undefined, (q) => q.where('id', '<>', claim.id!))
  const what = `${label[claim.kind]} "${claim.name}" version "${claim.version}"`
  if (!claim.dev) {
    const own = await same.where('workspaceId', '=', claim.workspaceId).executeTakeFirst()
    if (own) return `${what} already exists in this workspace (${own.id}): publish a new version`
  }
  if ((claim.visibility ?? 'private') !== 'private') {
    const shared = await same.where('visibility', '<>', 'private').executeTakeFirst()
    if (shared) return `${what} is already shared by another workspace of this server: pick another name or version`
  }
  return undefined
}

/**
 * Runs `write` unless `claim`'s name@version is taken. The check names the culprit; the UNIQUE indexes settle
 * races (inside a PostgreSQL transaction a failed statement aborts it, so nothing more is queried then).
 */
async function claiming(db: Db, claim: Claim, write: () => Promise<unknown>): Promise<void> {
  const taken = await takenMessage(db, claim)
  if (taken) throw alreadyExists(taken)
  try {
    await write()
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    throw alreadyExists(`${label[claim.kind]} "${claim.name}" version "${claim.version}" was just taken by a concurrent request`)
  }
}

/** Inserts a definition; a name@version already taken answers AlreadyExists saying by whom. */
export const insertPackage = (db: Db, row: Insertable<Database['hubPackages']>) =>
  claiming(db, row, () => db.insertInto('hubPackages').values(row).execute())

/** Updates a definition's columns; becoming shared under a name@version already shared answers AlreadyExists. */
export const updatePackage = (db: Db, row: PackageRow, changes: Updateable<Database['hubPackages']>) =>
  claiming(db, { ...row, ...changes } as PackageRow, () => db.updateTable('hubPackages').set(changes).where('id', '=', row.id).execute())

/** Icons are per name: a new icon updates every version of the name in the workspace. */
export async function shareIcon(db: Db, row: Pick<PackageRow, 'kind' | 'workspaceId' | 'name'>, icon: string | undefined) {
  if (icon === undefined) return
  await db
    .updateTable('hubPackages')
    .set({ icon })
    .where('kind', '=', row.kind)
    .where('workspaceId', '=', row.workspaceId)
    .where('name', '=', row.name)
    .execute()
}
