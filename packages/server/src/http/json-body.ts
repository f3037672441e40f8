import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors.js'

/**
 * How deep `[`/`{` nest in JSON text, counted without recursion and without parsing (strings are skipped),
 * stopping as soon as `limit` is passed: a body of 100 000 nested arrays must not reach a recursive walker.
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

/** Replaces Fastify's JSON body parser by one that first refuses bodies nested deeper than `maxDepth`. */
export function parseJsonBodies(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string
    if (nestingDepth(text, maxDepth) > maxDepth) {
      done(new ApiError('InvalidPayload', `Invalid body: JSON nested more than ${maxDepth} levels deep (the limit is BPKIT_MAX_JSON_DEPTH)`), undefined)
      return
    }
    parse(request, text, done)
  })
}
