import { apiVersion } from '@bpkit/spec'
import { publicOpenapi, type OpenapiDocument } from '@bpkit/spec/openapi'

/**
 * How "try it" authenticates: the bearer token of every operation, and the headers that pick the workspace
 * and bot it acts on (the exported document has none: Botpress's client sends them from its configuration).
 */
const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'A personal access token (`bp_pat_…`, `bpkit env` prints the first one), a bot API key (`bp_bak_…`) or an integration API key (`bp_iak_…`).',
  },
  workspaceId: { type: 'apiKey', in: 'header', name: 'x-workspace-id', description: 'The workspace an admin operation acts on (`BP_WORKSPACE_ID`).' },
  botId: { type: 'apiKey', in: 'header', name: 'x-bot-id', description: 'The bot a chat, files or tables operation acts on (`BP_BOT_ID`).' },
  integrationId: { type: 'apiKey', in: 'header', name: 'x-integration-id', description: 'Acts as this integration (with a personal access token).' },
} as const

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch'])

/** The paths, with the operations this server does not answer saying so (they answer 405 MethodNotFound). */
function markUnanswered(paths: OpenapiDocument['paths'], isAnswered: (operation: string) => boolean): OpenapiDocument['paths'] {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => {
          if (!METHODS.has(method) || !operation?.operationId || isAnswered(operation.operationId)) return [method, operation]
          const note = `**Not supported by this bpkit server**: it answers \`405 MethodNotFound\` naming the operation.`
          return [method, { ...operation, description: operation.description ? `${note}\n\n${operation.description}` : note, 'x-bpkit-supported': false }]
        }),
      ),
    ]),
  )
}

/**
 * The public API's OpenAPI document as this server answers it: the pinned spec's operations and schemas, with
 * `servers` set to this server's public URL, the authentication the operations take, and the operations it
 * does not answer marked as such.
 */
export function openapiDocument(publicUrl: string, isAnswered: (operation: string) => boolean = () => true): OpenapiDocument {
  return {
    ...publicOpenapi,
    paths: markUnanswered(publicOpenapi.paths, isAnswered),
    info: {
      ...publicOpenapi.info,
      description:
        `The Botpress API (@botpress/api ${apiVersion}) as this bpkit server answers it. ` +
        'Authorize with a token (and the workspace and bot ids the operations act on), then try any operation against this server.',
    },
    servers: [{ url: publicUrl, description: 'this bpkit server' }],
    components: { ...publicOpenapi.components, securitySchemes: { ...publicOpenapi.components.securitySchemes, ...securitySchemes } },
    security: [{ bearerAuth: [], workspaceId: [], botId: [] }, { bearerAuth: [], integrationId: [] }],
  }
}
