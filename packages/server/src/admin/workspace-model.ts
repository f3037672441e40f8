import type { Selectable } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import type { Database } from '../store/database.js'
import { parseJson } from '../store/json.js'
import { invalidPayload } from '../errors.js'

/** Maps a workspace between the API and the store: name, handle and owner are columns, the profile is `data` JSON. */

export type Workspace = PublicApi.Workspace
export type WorkspaceRow = Selectable<Database['workspaces']>

/** The profile fields `updateWorkspace` may set, kept in `workspaces.data`. */
type WorkspaceData = Pick<Workspace, 'about' | 'profilePicture' | 'contactEmail' | 'website' | 'socialAccounts' | 'isPublic'> & {
  spendingLimit?: number
}

/** A self-hosted server has no billing: every workspace is on the community plan with no trial. */
const DEFAULT_SPENDING_LIMIT = 100

export const NAME_MAX_LENGTH = 64

/** createWorkspace's schema has no length limits on `name`; updateWorkspace's does (1 to 64), so both follow it. */
export function checkWorkspaceName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed || trimmed.length > NAME_MAX_LENGTH) {
    throw invalidPayload(`Invalid body: "name" must be 1 to ${NAME_MAX_LENGTH} characters`)
  }
  return trimmed
}

export function toWorkspace(row: WorkspaceRow, botCount: number): Workspace {
  const data = parseJson<WorkspaceData>(row.data, {})
  return {
    id: row.id,
    name: row.name,
    ownerId: row.ownerId,
    handle: row.handle ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    botCount: Number(botCount),
    billingVersion: 'v4',
    plan: 'community',
    blocked: false,
    activeTrialId: null,
    ...data,
    spendingLimit: data.spendingLimit ?? DEFAULT_SPENDING_LIMIT,
  }
}

/** The data JSON after an update: given fields replace the stored ones. */
export function updatedWorkspaceData(row: WorkspaceRow, input: PublicApi.UpdateWorkspaceInput): string {
  const { id: _id, name: _name, handle: _handle, ...profile } = input
  const defined = Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined))
  return JSON.stringify({ ...parseJson<WorkspaceData>(row.data, {}), ...defined })
}

/** What anyone may read of a public workspace: its profile, never its plan, owner or members. */
export function toPublicWorkspace(row: Pick<WorkspaceRow, 'id' | 'name' | 'handle' | 'data' | 'createdAt' | 'updatedAt'>): PublicApi.GetPublicWorkspaceResponse {
  const { about, profilePicture, contactEmail, website, socialAccounts } = parseJson<WorkspaceData>(row.data, {})
  return { id: row.id, name: row.name, handle: row.handle ?? undefined, createdAt: row.createdAt, updatedAt: row.updatedAt, about, profilePicture, contactEmail, website, socialAccounts }
}
