import type { FastifyRequest } from 'fastify'
import type { Principal } from '../auth/principal.js'
import { RequestContext, type Services } from '../context.js'
import { invalidPayload } from '../errors.js'

/** How the web routes (not API operations) authenticate and authorize like the API does. */

/** The request's principal: bearer token, or session cookie (with the CSRF check for state changes). */
export const principalOf = (services: Services, request: FastifyRequest): Promise<Principal> =>
  services.auth.authenticateRequest(request.method, request.headers)

/**
 * A request context as the API would build for `operation` with these headers, so the same workspace, bot
 * and role checks apply (members/roles.ts).
 */
export const contextFor = (services: Services, principal: Principal, request: FastifyRequest, operation: string, headers: Record<string, string>) =>
  new RequestContext(services, principal, headers, request.id, request.log, operation)

/**
 * The bot as `principal` may reach it for `operation` (default: reading it): its workspace, or a 404 when the
 * principal may not see it, a 403 when its role may not do that.
 */
export async function botFor(services: Services, principal: Principal, request: FastifyRequest, botId: string, operation = 'listEvents'): Promise<{ ctx: RequestContext; workspaceId: string }> {
  const ctx = contextFor(services, principal, request, operation, { 'x-bot-id': botId })
  await ctx.botId()
  return { ctx, workspaceId: ctx.knownBot!.workspaceId }
}

/** A required non-empty string field of a body or query, or a 400 naming it. */
export function requiredString(source: unknown, field: string, where = 'body'): string {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined
  if (typeof value !== 'string' || !value.trim()) throw invalidPayload(`Invalid "${field}": the ${where} must give it as a non-empty string`)
  return value.trim()
}

/** An optional string field, or a 400 naming it when it is not a string. */
export function optionalString(source: unknown, field: string, where = 'body'): string | undefined {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalidPayload(`Invalid "${field}": the ${where} must give it as a string`)
  return value
}

/** A JSON object body (possibly empty), or a 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidPayload('Invalid body: expected a JSON object')
  return body as Record<string, unknown>
}
