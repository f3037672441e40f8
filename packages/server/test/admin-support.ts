/**
 * Helpers of the admin, auth and bad-input tests: asserting Botpress errors by their wire fields (so the
 * tests hold whichever client support.ts uses), raw requests, and a second account made straight in the store.
 */
import assert from 'node:assert/strict'
import type { TestServer } from '@bpkit/server'
import { generateToken, hashToken } from '../src/auth/tokens.js'
import { newAccountId, newId } from '../src/ids.js'

type ExpectedError = { code: number | number[]; type?: string | string[]; message?: RegExp }

const oneOf = <T>(expected: T | T[], actual: T, what: string) =>
  assert.ok((Array.isArray(expected) ? expected : [expected]).includes(actual), `${what}: got ${String(actual)}, expected ${String(expected)}`)

/** Awaits `promise`, which must reject with a Botpress API error matching `expected`. */
export async function expectApiError(promise: Promise<unknown>, expected: ExpectedError): Promise<void> {
  const error = await promise.then(
    (value) => assert.fail(`expected an error ${JSON.stringify(expected)}, got ${JSON.stringify(value)}`),
    (e: unknown) => e as { code?: number; type?: string; message?: string },
  )
  oneOf(expected.code, error.code!, 'error code')
  if (expected.type) oneOf(expected.type, error.type!, 'error type')
  if (expected.message) assert.match(error.message ?? '', expected.message)
}

export type RawResponse = { status: number; body: any; headers: Headers }

/** One HTTP request with fetch, for what a client would never send (malformed JSON, unknown fields, ...). */
export async function raw(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: string | object; token?: string | null; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'x-workspace-id': server.workspaceId, 'x-bot-id': server.botId, ...options.headers }
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? server.token}`
  if (options.body !== undefined) headers['content-type'] ??= 'application/json'
  const response = await fetch(server.url + path, {
    method,
    headers,
    body: typeof options.body === 'string' ? options.body : options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers }
}

/** Asserts a raw response is the Botpress error envelope with this status and type. */
export function assertErrorEnvelope(response: RawResponse, status: number, type: string, message?: RegExp): void {
  assert.equal(response.status, status, JSON.stringify(response.body))
  assert.deepEqual(Object.keys(response.body).sort(), ['code', 'id', 'message', 'type'])
  assert.equal(response.body.code, status)
  assert.equal(response.body.type, type)
  assert.match(response.body.id, /^err_/)
  if (message) assert.match(response.body.message, message)
}

export type OtherAccount = { accountId: string; workspaceId: string; botId: string; token: string }

/**
 * A second account with its own workspace, bot and personal access token, inserted straight into the store
 * (the API has no sign-up): the stranger that must never see the first account's data.
 */
export async function createOtherAccount(server: TestServer): Promise<OtherAccount> {
  const db = server.server.store.db
  const now = new Date().toISOString()
  const other = { accountId: newAccountId(), workspaceId: newId('workspace'), botId: newId('bot'), token: generateToken('pat') }
  await db.insertInto('accounts').values({ id: other.accountId, email: `${other.accountId}@example.com`, displayName: 'Other', profilePicture: null, createdAt: now, updatedAt: now }).execute()
  await db.insertInto('workspaces').values({ id: other.workspaceId, name: 'Other workspace', handle: null, ownerId: other.accountId, data: '{}', createdAt: now, updatedAt: now }).execute()
  await db.insertInto('workspaceMembers').values({ id: newId('member'), workspaceId: other.workspaceId, accountId: other.accountId, role: 'owner', createdAt: now, updatedAt: now }).execute()
  await db.insertInto('bots').values({ id: other.botId, workspaceId: other.workspaceId, name: 'Other bot', data: '{}', createdAt: now, updatedAt: now }).execute()
  await db.insertInto('tokens').values({ id: newId('token'), kind: 'pat', hash: hashToken(other.token), accountId: other.accountId, workspaceId: null, botId: null, integrationId: null, note: 'other', createdAt: now }).execute()
  return other
}
