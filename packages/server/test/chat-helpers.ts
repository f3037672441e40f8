/**
 * Helpers shared by the chat runtime's end-to-end tests: a second bot to prove isolation, a unique tag per test
 * so that lists on a shared server only see that test's records, and assertions on Botpress errors.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import qs from 'qs'
import { publicOperations, type OperationDefinition, type PublicOperationName } from '@bpkit/spec'
import type { TestServer } from '@bpkit/server'
import { newId } from '../src/ids.js'
import { generateToken, hashToken } from '../src/auth/tokens.js'
import { clientFor } from './support.js'

/** A second bot in the server's workspace, with a bot API key of its own, inserted straight into the store. */
export async function secondBot(server: TestServer): Promise<{ botId: string; token: string; client: ReturnType<typeof clientFor> }> {
  const db = server.server.store.db
  const now = new Date().toISOString()
  const botId = newId('bot')
  const token = generateToken('bot')
  await db.insertInto('bots').values({ id: botId, workspaceId: server.workspaceId, name: 'Other bot', data: '{}', createdAt: now, updatedAt: now }).execute()
  await db
    .insertInto('tokens')
    .values({ id: newId('token'), kind: 'bot', hash: hashToken(token), accountId: null, workspaceId: server.workspaceId, botId, integrationId: null, note: 'test', createdAt: now })
    .execute()
  return { botId, token, client: clientFor(server, { token, botId, workspaceId: undefined }) }
}

/** A tag value no other test uses, so that a filtered list sees only this test's records. */
/** A conversation and a user of the test server's bot, for the tests that need one of each. */
export async function conversationAndUser(server: TestServer): Promise<{ conversationId: string; userId: string }> {
  const client = clientFor(server)
  const { conversation } = await client.createConversation({ channel: 'web', tags: {} })
  const { user } = await client.createUser({ tags: {} })
  return { conversationId: conversation.id, userId: user.id }
}

export const uniqueTag = () => randomBytes(6).toString('hex')

/** Awaits `promise` and checks that it fails with the Botpress error `type` (and HTTP status `code`). */
export async function rejectsWith(promise: Promise<unknown>, type: string, code?: number): Promise<{ message: string }> {
  try {
    await promise
  } catch (error) {
    const e = error as { type?: string; code?: number; message: string }
    assert.equal(e.type, type, `expected a ${type} error, got ${e.type}: ${e.message}`)
    if (code !== undefined) assert.equal(e.code, code)
    return e
  }
  assert.fail(`expected a ${type} error, but the call succeeded`)
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Every item of a listing, following `meta.nextToken` page after page; also returns the page sizes seen. */
export async function collectPages<T>(list: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>) {
  const items: T[] = []
  const pages: number[] = []
  let nextToken: string | undefined
  do {
    const page = await list(nextToken)
    items.push(...page.items)
    pages.push(page.items.length)
    nextToken = page.nextToken
  } while (nextToken && pages.length < 100)
  return { items, pages }
}

export type RawAnswer = { status: number; body: any }

/**
 * Calls an operation over plain HTTP from the operation table, the way a client would: path fields in the
 * path, query fields in the query string (dots for objects, repeated keys for arrays), the rest as JSON.
 * Used where the answer's raw body matters (conformance) and for the task operations, which the official
 * client 1.45.0 does not have.
 */
export async function rawCall(
  server: TestServer,
  op: PublicOperationName,
  input: Record<string, any>,
  auth: { token?: string; botId?: string; workspaceId?: string } = {},
): Promise<RawAnswer> {
  const definition: OperationDefinition = publicOperations[op]
  const used = new Set<string>()
  const path = definition.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    used.add(name)
    return encodeURIComponent(String(input[name]))
  })
  const pick = (fields: readonly string[] | undefined) => Object.fromEntries((fields ?? []).filter((f) => input[f] !== undefined).map((f) => [f, input[f]]))
  const query = qs.stringify(pick(definition.query), { allowDots: true, arrayFormat: 'repeat' })
  const body = definition.body ? JSON.stringify(pick(definition.body)) : undefined
  const response = await fetch(`${server.url}${path}${query ? `?${query}` : ''}`, {
    method: definition.method.toUpperCase(),
    headers: {
      authorization: `Bearer ${auth.token ?? server.token}`,
      'x-bot-id': auth.botId ?? server.botId,
      ...(auth.workspaceId !== undefined && { 'x-workspace-id': auth.workspaceId }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body,
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** `rawCall` that expects success and returns the body, or throws the Botpress error it got. */
export async function call(server: TestServer, op: PublicOperationName, input: Record<string, any>, auth?: { token?: string; botId?: string }): Promise<any> {
  const answer = await rawCall(server, op, input, auth)
  if (answer.status >= 400) throw Object.assign(new Error(answer.body?.message ?? `HTTP ${answer.status}`), answer.body)
  return answer.body
}
