import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { PublicApi } from '@bpkit/spec'
import type { Principal } from '../auth/principal.js'
import type { Services } from '../context.js'
import type { Handler } from '../handlers.js'
import { adminSection } from '../admin/index.js'
import { chatSection } from '../chat/index.js'
import { forbidden, invalidPayload, notFound } from '../errors.js'
import { newId } from '../ids.js'
import { keywordsOf, newIntegrationDefinition } from '../integrations/definitions.js'
import { readData } from '../admin/bot-model.js'
import { bodyObject, botFor, contextFor, optionalString, principalOf, requiredString } from './access.js'

/**
 * bpkit's own chat channel (`bpkit-chat`): an integration served by this server, so a developer talks to a bot
 * from the dashboard with no integration of their own. It is an ordinary integration to the rest of the server:
 * a private definition in the bot's workspace whose `url` is a route of this server, installed with
 * `updateBot`, called by the runtime like any other (register, and each of the bot's replies as
 * `message_created`). A message typed in the dashboard is written as this integration writes one: an incoming
 * message, which the runtime delivers to the bot.
 */

export const CHAT_NAME = 'bpkit-chat'
export const CHAT_ALIAS = 'bpkit-chat'
export const CHAT_CHANNEL = 'webchat'
const CHAT_VERSION = '1.0.0'
export const CHAT_ROUTE = '/_bpkit/chat/integration'
export const CHAT_MESSAGE_TYPES = ['text', 'image', 'choice', 'dropdown', 'card', 'carousel'] as const

const chatUrl = (services: Services) => `${services.config.publicUrl ?? ''}${CHAT_ROUTE}`

const objectSchema = { type: 'object', additionalProperties: true }

function chatDefinition() {
  const input = {
    name: CHAT_NAME,
    version: CHAT_VERSION,
    title: 'bpkit chat',
    description: "bpkit's built-in chat: the dashboard's chat panel",
    channels: {
      [CHAT_CHANNEL]: {
        title: 'Dashboard chat',
        messages: Object.fromEntries(CHAT_MESSAGE_TYPES.map((type) => [type, { schema: objectSchema }])),
        conversation: { tags: { accountId: { title: 'The bpkit account chatting' } } },
        message: { tags: {} },
      },
    },
    user: { tags: { accountId: { title: 'The bpkit account' } } },
  }
  return { input, definition: newIntegrationDefinition(input as unknown as PublicApi.CreateIntegrationInput, {}) }
}

/** The workspace's `bpkit-chat` definition, made on first use (one per workspace: definitions are a workspace's). */
async function chatIntegrationId(services: Services, workspaceId: string): Promise<string> {
  const db = services.store.db
  const find = () =>
    db.selectFrom('hubPackages').select(['id', 'url']).where('kind', '=', 'integration').where('workspaceId', '=', workspaceId).where('name', '=', CHAT_NAME).where('version', '=', CHAT_VERSION).where('dev', '=', 0).executeTakeFirst()
  let row = await find()
  if (!row) {
    const { input, definition } = chatDefinition()
    const now = services.clock.now().toISOString()
    await db
      .insertInto('hubPackages')
      .values({
        id: newId('integration'),
        kind: 'integration',
        workspaceId,
        name: CHAT_NAME,
        version: CHAT_VERSION,
        dev: 0,
        visibility: 'private',
        verificationStatus: 'approved',
        title: input.title,
        description: input.description,
        keywords: keywordsOf({ name: CHAT_NAME, title: input.title, description: input.description }),
        definition: JSON.stringify(definition),
        secrets: '{}',
        code: null,
        url: chatUrl(services),
        icon: null,
        readme: null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute()
    row = await find()
    if (!row) throw new Error('bpkit-chat: the definition could not be written')
  }
  if (row.url !== chatUrl(services)) await db.updateTable('hubPackages').set({ url: chatUrl(services) }).where('id', '=', row.id).execute()
  return row.id
}

/** Points every workspace's `bpkit-chat` at this server's current address (its port may differ from the last start). */
export async function refreshChatUrls(services: Services): Promise<void> {
  await services.store.db.updateTable('hubPackages').set({ url: chatUrl(services) }).where('kind', '=', 'integration').where('name', '=', CHAT_NAME).where('url', 'like', `%${CHAT_ROUTE}`).execute()
}

/** Installs `bpkit-chat` on the bot under its alias (with the caller's right to update the bot) unless it is there. */
export async function installChat(services: Services, principal: Principal, request: FastifyRequest, botId: string): Promise<{ alias: string; integrationId: string }> {
  if (principal.kind !== 'account') throw forbidden('Installing the dashboard chat needs a personal access token or a dashboard session')
  const { workspaceId } = await botFor(services, principal, request, botId, 'updateBot')
  const integrationId = await chatIntegrationId(services, workspaceId)
  const bot = await services.store.db.selectFrom('bots').select(['data']).where('id', '=', botId).executeTakeFirstOrThrow()
  const installed = readData(bot).integrations?.[CHAT_ALIAS]
  if (installed?.id === integrationId && installed.enabled !== false) return { alias: CHAT_ALIAS, integrationId }
  const ctx = contextFor(services, principal, request, 'updateBot', { 'x-workspace-id': workspaceId, 'x-multiple-integrations': 'true' })
  const updateBot = adminSection.handlers!.updateBot as Handler<PublicApi.UpdateBotInput, unknown>
  await updateBot({ id: botId, integrations: { [CHAT_ALIAS]: { integrationId, enabled: true, configuration: {} } } } as PublicApi.UpdateBotInput, ctx)
  return { alias: CHAT_ALIAS, integrationId }
}

type ChatHandler<K extends keyof PublicApi.Operations> = Handler<PublicApi.Operations[K]['input'], PublicApi.Operations[K]['output']>
const chat = chatSection.handlers!

/**
 * `POST /_bpkit/bots/<botId>/chat/messages`: as `bpkit-chat` (installed first when it is not), the signed-in
 * account's chat user (one per account and bot), a new conversation unless `conversationId` names one of this
 * channel, and the message, incoming.
 */
export async function sendChatMessage(services: Services, principal: Principal, request: FastifyRequest, botId: string, body: unknown) {
  const input = bodyObject(body)
  const type = requiredString(input, 'type')
  if (!(CHAT_MESSAGE_TYPES as readonly string[]).includes(type)) throw invalidPayload(`Invalid "type": ${JSON.stringify(type)} is not one of ${CHAT_MESSAGE_TYPES.join(', ')}`)
  const payload = input.payload
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw invalidPayload('Invalid "payload": expected the message\'s payload as a JSON object')
  const conversationId = optionalString(input, 'conversationId')
  if (principal.kind !== 'account') throw forbidden('The dashboard chat is for an account: use a personal access token or a dashboard session')
  const { workspaceId } = await botFor(services, principal, request, botId, 'createMessage')
  const { integrationId } = await installChat(services, principal, request, botId)

  const account = await services.store.db.selectFrom('accounts').select(['email', 'displayName']).where('id', '=', principal.accountId).executeTakeFirstOrThrow()
  const asChat: Principal = { kind: 'integration', integrationId, workspaceId, tokenId: `${CHAT_NAME}:${principal.tokenId}`, accountId: principal.accountId }
  const ctxOf = (operation: string) => contextFor(services, asChat, request, operation, { 'x-bot-id': botId, 'x-integration-alias': CHAT_ALIAS })
  const tags = { accountId: principal.accountId }

  const { user } = await (chat.getOrCreateUser as ChatHandler<'getOrCreateUser'>)(
    { tags, discriminateByTags: ['accountId'], name: account.displayName ?? account.email } as PublicApi.GetOrCreateUserInput,
    ctxOf('getOrCreateUser'),
  )
  let conversation: { id: string }
  if (conversationId) {
    const row = await services.store.db.selectFrom('conversations').select(['id', 'integration']).where('id', '=', conversationId).where('botId', '=', botId).executeTakeFirst()
    if (!row) throw notFound('Conversation', conversationId)
    if (row.integration !== CHAT_NAME) throw invalidPayload(`Invalid "conversationId": conversation "${conversationId}" is not a ${CHAT_NAME} conversation`)
    conversation = row
  } else {
    conversation = (await (chat.createConversation as ChatHandler<'createConversation'>)({ channel: CHAT_CHANNEL, tags } as PublicApi.CreateConversationInput, ctxOf('createConversation'))).conversation
  }
  await (chat.addParticipant as ChatHandler<'addParticipant'>)({ id: conversation.id, userId: user.id }, ctxOf('addParticipant'))
  const { message } = await (chat.createMessage as ChatHandler<'createMessage'>)(
    { conversationId: conversation.id, userId: user.id, type, payload, tags: {} } as PublicApi.CreateMessageInput,
    ctxOf('createMessage'),
  )
  return { conversationId: conversation.id, message }
}

/**
 * The integration's own handler, called by the runtime: registration and pings succeed, a bot's reply
 * (`message_created`) is already stored, so the dashboard reads it from the store (the live stream).
 */
function answerRuntime(operation: string | undefined): { status: number; body: unknown } {
  switch (operation) {
    case 'register':
    case 'unregister':
    case 'ping':
    case 'message_created':
      return { status: 200, body: {} }
    case 'create_user':
    case 'create_conversation':
      return { status: 200, body: {} }
    case 'action_triggered':
      return { status: 400, body: { id: `err_${CHAT_NAME}`, code: 400, type: 'Runtime', message: `${CHAT_NAME} has no actions` } }
    case 'webhook_received':
      return { status: 404, body: {} }
    default:
      return { status: 400, body: { id: `err_${CHAT_NAME}`, code: 400, type: 'Runtime', message: `${CHAT_NAME}: unknown operation ${JSON.stringify(operation ?? '')}` } }
  }
}

export function registerChatRoutes(app: FastifyInstance, services: Services): void {
  app.get(`${CHAT_ROUTE}/health`, async () => ({ status: 'ok' }))
  app.post(CHAT_ROUTE, async (request, reply) => {
    const operation = request.headers['x-bp-operation']
    const answer = answerRuntime(Array.isArray(operation) ? operation[0] : operation)
    return reply.code(answer.status).send(answer.body)
  })

  app.post('/_bpkit/bots/:botId/chat/install', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const { botId } = request.params as { botId: string }
    return reply.send(await installChat(services, await principalOf(services, request), request, botId))
  })

  app.post('/_bpkit/bots/:botId/chat/messages', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const { botId } = request.params as { botId: string }
    return reply.send(await sendChatMessage(services, await principalOf(services, request), request, botId, request.body))
  })
}
