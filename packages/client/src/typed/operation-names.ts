import type { BotOperations } from './bot-operations.js'
import type { IntegrationOperations } from './integration-operations.js'
import type { BotShape, IntegrationShape } from './shapes.js'

const chat = [
  'createConversation', 'getConversation', 'listConversations', 'getOrCreateConversation', 'updateConversation', 'deleteConversation',
  'listParticipants', 'addParticipant', 'getParticipant', 'removeParticipant',
  'createEvent', 'getEvent', 'listEvents',
  'createMessage', 'getOrCreateMessage', 'getMessage', 'updateMessage', 'listMessages', 'deleteMessage',
  'createUser', 'getUser', 'listUsers', 'getOrCreateUser', 'updateUser', 'deleteUser',
  'getState', 'setState', 'getOrSetState', 'patchState',
  'trackAnalytics',
  'uploadFile', 'upsertFile', 'deleteFile', 'listFiles', 'getFile', 'updateFileMetadata', 'searchFiles',
] as const

export const botOperationNames = [
  ...chat,
  'callAction',
  'getTableRow', 'findTableRows', 'createTableRows', 'updateTableRows', 'upsertTableRows', 'deleteTableRows',
  'createWorkflow', 'getOrCreateWorkflow', 'getWorkflow', 'updateWorkflow', 'deleteWorkflow', 'listWorkflows',
] as const

export const integrationOperationNames = [...chat, 'configureIntegration'] as const

export type BotOperationName = (typeof botOperationNames)[number]
export type IntegrationOperationName = (typeof integrationOperationNames)[number]

// The lists and the operation interfaces name the same operations, or this does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const listsMatch: [Same<BotOperationName, keyof BotOperations<BotShape>>, Same<IntegrationOperationName, keyof IntegrationOperations<IntegrationShape>>] = [true, true]
void listsMatch
