import { publicOperations, type PublicApi, type PublicOperationName } from '@bpkit/spec'
import { forbidden } from '../errors.js'

/**
 * Who may call what. Every operation of the public API needs one permission; a workspace member's role
 * grants some of them. The check runs when a request's workspace membership is resolved (context.ts), so
 * no handler repeats it. Bot and integration API keys are not members: their own rules apply instead.
 */

export type Role = PublicApi.WorkspaceMember['role']

/** The spec's roles, least to most powerful (the rank used when one member changes another). */
export const ROLES: readonly Role[] = ['viewer', 'billing', 'developer', 'manager', 'administrator', 'owner']

export const roleRank = (role: string): number => ROLES.indexOf(role as Role)

export const isRole = (value: string): value is Role => roleRank(value) >= 0

export type Permission = 'account' | 'view' | 'billing' | 'develop' | 'manage' | 'administer' | 'own'

/** The roles each permission admits. `billing` is a side role: it reads, and manages billing, but builds nothing. */
export const permissionRoles: Record<Permission, readonly Role[]> = {
  /** The caller's own account, or data every account may read: no workspace role is involved. */
  account: ROLES,
  view: ROLES,
  billing: ['billing', 'administrator', 'owner'],
  develop: ['developer', 'manager', 'administrator', 'owner'],
  manage: ['manager', 'administrator', 'owner'],
  administer: ['administrator', 'owner'],
  own: ['owner'],
}

/** The permission of every operation of the public API (the compiler refuses a missing one). */
export const operationPermissions: { readonly [K in PublicOperationName]: Permission } = {
  // Chat: reads are open to every member, writes build the bot's data.
  createConversation: 'develop',
  getConversation: 'view',
  listConversations: 'view',
  getOrCreateConversation: 'develop',
  updateConversation: 'develop',
  deleteConversation: 'develop',
  listParticipants: 'view',
  addParticipant: 'develop',
  getParticipant: 'view',
  removeParticipant: 'develop',
  createEvent: 'develop',
  getEvent: 'view',
  listEvents: 'view',
  cancelScheduledEvent: 'develop',
  createMessage: 'develop',
  getOrCreateMessage: 'develop',
  getMessage: 'view',
  updateMessage: 'develop',
  listMessages: 'view',
  deleteMessage: 'develop',
  initializeIncomingMessage: 'develop',
  importMessages: 'develop',
  createUser: 'develop',
  getUser: 'view',
  listUsers: 'view',
  getOrCreateUser: 'develop',
  updateUser: 'develop',
  deleteUser: 'develop',
  setStateExpiry: 'develop',
  getState: 'view',
  setState: 'develop',
  getOrSetState: 'develop',
  patchState: 'develop',
  callAction: 'develop',
  configureIntegration: 'develop',
  getTask: 'view',
  createTask: 'develop',
  updateTask: 'develop',
  deleteTask: 'develop',
  listTasks: 'view',
  createWorkflow: 'develop',
  getWorkflow: 'view',
  updateWorkflow: 'develop',
  deleteWorkflow: 'develop',
  listWorkflows: 'view',
  getOrCreateWorkflow: 'develop',
  listTagValues: 'view',
  trackAnalytics: 'develop',

  // The caller's own account, and helpers that touch no workspace.
  runVrl: 'account',
  getAccount: 'account',
  updateAccount: 'account',
  deleteAccount: 'account',
  listPersonalAccessTokens: 'account',
  createPersonalAccessToken: 'account',
  deletePersonalAccessToken: 'account',
  setAccountPreference: 'account',
  getAccountPreference: 'account',

  // The public hub: what every workspace may read.
  listPublicIntegrations: 'account',
  getPublicIntegrationById: 'account',
  getPublicIntegration: 'account',
  listPublicPlugins: 'account',
  getPublicPluginById: 'account',
  getDereferencedPublicPluginById: 'account',
  getPublicPlugin: 'account',
  getPublicPluginCode: 'account',
  listPublicInterfaces: 'account',
  getPublicInterfaceById: 'account',
  getPublicInterface: 'account',

  // Bots.
  createBot: 'develop',
  updateBot: 'develop',
  transferBot: 'manage',
  listBots: 'view',
  getBot: 'view',
  deleteBot: 'manage',
  getBotLogs: 'view',
  getBotWebchat: 'view',
  getBotAnalytics: 'view',
  listActionRuns: 'view',
  getBotIssue: 'view',
  listBotIssues: 'view',
  deleteBotIssue: 'develop',
  listBotIssueEvents: 'view',
  listBotVersions: 'view',
  getBotVersion: 'view',
  getBotJson: 'view',
  publishFromBotJson: 'develop',
  createBotVersion: 'develop',
  deployBotVersion: 'develop',
  createIntegrationShareableId: 'develop',
  deleteIntegrationShareableId: 'develop',
  getIntegrationShareableId: 'view',
  unlinkSandboxedConversations: 'develop',
  // Keys are credentials: only those who may build the bot see or make them.
  listBotApiKeys: 'develop',
  createBotApiKey: 'develop',
  deleteBotApiKey: 'develop',
  getBotAllowlist: 'view',
  updateBotAllowlist: 'develop',

  // Billing (answered as unavailable on a self-hosted server, still guarded like Botpress Cloud).
  listWorkspaceInvoices: 'billing',
  getUpcomingInvoice: 'billing',
  chargeWorkspaceUnpaidInvoices: 'billing',
  changeAISpendQuota: 'billing',

  // Workspaces.
  createWorkspace: 'account',
  getPublicWorkspace: 'account',
  getWorkspace: 'view',
  listWorkspaceUsages: 'view',
  breakDownWorkspaceUsageByBot: 'view',
  getAllWorkspaceQuotaCompletion: 'view',
  getWorkspaceQuota: 'view',
  listWorkspaceQuotas: 'view',
  updateWorkspace: 'administer',
  checkHandleAvailability: 'account',
  listWorkspaces: 'account',
  listPublicWorkspaces: 'account',
  deleteWorkspace: 'own',
  getAuditRecords: 'administer',
  setWorkspacePreference: 'administer',
  getWorkspacePreference: 'view',

  // Members (the member handlers also refuse changing someone who outranks the caller).
  listWorkspaceMembers: 'view',
  getWorkspaceMember: 'view',
  deleteWorkspaceMember: 'manage',
  createWorkspaceMember: 'manage',
  updateWorkspaceMember: 'manage',

  // Integrations, interfaces and plugins of the workspace.
  listIntegrationApiKeys: 'develop',
  createIntegrationApiKey: 'develop',
  deleteIntegrationApiKey: 'develop',
  createIntegration: 'develop',
  validateIntegrationCreation: 'develop',
  updateIntegration: 'develop',
  validateIntegrationUpdate: 'develop',
  listIntegrations: 'view',
  getIntegration: 'view',
  getIntegrationLogs: 'view',
  getIntegrationByName: 'view',
  deleteIntegration: 'manage',
  requestIntegrationVerification: 'develop',
  createInterface: 'develop',
  getInterface: 'view',
  getInterfaceByName: 'view',
  updateInterface: 'develop',
  deleteInterface: 'manage',
  listInterfaces: 'view',
  createPlugin: 'develop',
  getPlugin: 'view',
  getDereferencedPlugin: 'view',
  getPluginByName: 'view',
  updatePlugin: 'develop',
  deletePlugin: 'manage',
  listPlugins: 'view',
  getPluginCode: 'view',

  // Usage and activity.
  getUsage: 'view',
  getMultipleUsages: 'view',
  listUsageHistory: 'view',
  listUsageActivity: 'view',
  listUsageActivityDaily: 'view',
  listActivities: 'view',
  introspect: 'view',

  // Files.
  upsertFile: 'develop',
  deleteFile: 'develop',
  listFiles: 'view',
  getFile: 'view',
  updateFileMetadata: 'develop',
  copyFile: 'develop',
  searchFiles: 'view',
  listFilePassages: 'view',
  setFilePassages: 'develop',
  listFileTags: 'view',
  listFileTagValues: 'view',
  createKnowledgeBase: 'develop',
  deleteKnowledgeBase: 'develop',
  updateKnowledgeBase: 'develop',
  listKnowledgeBases: 'view',

  // Tables (findTableRows is a POST that only reads).
  listTables: 'view',
  getTable: 'view',
  getOrCreateTable: 'develop',
  createTable: 'develop',
  duplicateTable: 'develop',
  exportTable: 'view',
  getTableJobs: 'view',
  importTable: 'develop',
  updateTable: 'develop',
  renameTableColumn: 'develop',
  deleteTable: 'develop',
  getTableRow: 'view',
  findTableRows: 'view',
  createTableRows: 'develop',
  deleteTableRows: 'develop',
  updateTableRows: 'develop',
  upsertTableRows: 'develop',
}

/** The billing API (`billing.Client`) is all billing. */
export function permissionOf(operation: string): Permission {
  return (operationPermissions as Record<string, Permission>)[operation] ?? 'billing'
}

export const mayCall = (role: string, operation: string): boolean => (permissionRoles[permissionOf(operation)] as readonly string[]).includes(role)

/** Throws 403 Forbidden, naming the role and the operation, when a member with `role` may not call `operation`. */
export function assertRoleMayCall(role: string, operation: string): void {
  if (mayCall(role, operation)) return
  const allowed = permissionRoles[permissionOf(operation)].join(', ')
  throw forbidden(`The ${role} role may not call "${operation}": it needs one of these roles in the workspace: ${allowed}`)
}

/** True when some member role may not call `operation`, so the caller's role must be known before its handler runs. */
export const isRestricted = (operation: string): boolean => permissionRoles[permissionOf(operation)].length < ROLES.length

/** Operations whose path names the workspace they act on (`/v1/admin/workspaces/{id}/...`) rather than `x-workspace-id`. */
export const actsOnPathWorkspace = (operation: string): boolean =>
  (publicOperations as Record<string, { path: string }>)[operation]?.path.startsWith('/v1/admin/workspaces/{id}') ?? false

/**
 * What only workspace members (personal access tokens) may call: the workspace's members, preferences and
 * audit trail, and usage that covers its other bots. A bot API key reads and changes its own bot only; an
 * integration key acts for the bots installing it. Both get 403 here whatever the handler would do.
 */
export const MEMBERS_ONLY: ReadonlySet<string> = new Set<PublicOperationName>([
  'listWorkspaceMembers',
  'getWorkspaceMember',
  'createWorkspaceMember',
  'updateWorkspaceMember',
  'deleteWorkspaceMember',
  'getWorkspacePreference',
  'setWorkspacePreference',
  'getAuditRecords',
  'breakDownWorkspaceUsageByBot',
  'listWorkspaceUsages',
  'getAllWorkspaceQuotaCompletion',
])

/** Throws 403 Forbidden when a bot or integration key calls an operation that is for members only. */
export function assertKeyMayCall(principalKind: 'bot' | 'integration', operation: string): void {
  if (!MEMBERS_ONLY.has(operation)) return
  const key = principalKind === 'bot' ? 'A bot API key' : 'An integration API key'
  throw forbidden(`${key} may not call "${operation}": it is for workspace members, with a personal access token`)
}
