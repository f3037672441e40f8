/**
 * What every answer must satisfy, whatever was sent: never a 5xx; every 4xx or 5xx is the Botpress envelope
 * `{ id, code, type, message }` of a known type with an `x-request-id`; nobody without credentials gets a
 * 2xx; and nothing the principal must not see comes back unless the request named it.
 */
import { errorCatalogue } from '@bpkit/spec'
import type { Principal } from './world.js'
import type { WireRequest } from './requests.js'

export type Answer = { status: number; headers: Headers; text: string }

const knownTypes = new Set(errorCatalogue.map((e) => e.type))

/** Violations of the invariants, empty when the answer is fine. */
export function violations(request: WireRequest, answer: Answer, principal: Principal): string[] {
  const found = errorViolations(answer, request.method)
  if (answer.status < 300 && principal.name === 'none') found.push(`answered ${answer.status} without credentials`)
  if (answer.status < 300 && !request.headers.authorization) found.push(`answered ${answer.status} to a request without an Authorization header`)
  const sent = `${request.url} ${JSON.stringify(request.headers)} ${request.body ?? ''}`
  const leaked = principal.secrets.filter((secret) => answer.text.includes(secret) && !sent.includes(secret))
  if (leaked.length) found.push(`answered ${principal.name} with what it must not see: ${leaked.join(', ')}`)
  return found
}

/**
 * What any answer of the server owes, whatever route it came from: no 5xx, and errors in the envelope with an
 * x-request-id (the answer to a HEAD has no body to hold the envelope: only its header is checked).
 */
export function errorViolations(answer: Answer, method: string): string[] {
  const found: string[] = []
  if (answer.status >= 500) found.push(`answered ${answer.status}`)
  if (answer.status >= 400) {
    if (!/^req_/.test(answer.headers.get('x-request-id') ?? '')) found.push(`error without an x-request-id header`)
    if (method === 'HEAD') return found
    let body: unknown
    try {
      body = JSON.parse(answer.text)
    } catch {
      body = undefined
    }
    const envelope = body as { id?: unknown; code?: unknown; type?: unknown; message?: unknown } | undefined
    const keys = envelope && typeof envelope === 'object' ? Object.keys(envelope).sort().join(',') : ''
    if (keys !== 'code,id,message,type') found.push(`error outside the Botpress envelope: ${answer.text.slice(0, 300)}`)
    else {
      if (envelope!.code !== answer.status) found.push(`envelope code ${String(envelope!.code)} differs from the status ${answer.status}`)
      if (!knownTypes.has(envelope!.type as never)) found.push(`unknown error type ${String(envelope!.type)}`)
      if (typeof envelope!.message !== 'string' || !envelope!.message) found.push('error without a message')
      if (typeof envelope!.id !== 'string' || !/^err_/.test(envelope!.id)) found.push(`error id ${String(envelope!.id)}`)
    }
  }
  return found
}
