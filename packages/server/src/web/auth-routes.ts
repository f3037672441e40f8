import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Services } from '../context.js'
import { forbidden, unauthorized } from '../errors.js'
import { createSignInLink, redeemCode } from './codes.js'
import { checkCsrf, createSession, csrfTokenOf, deleteSession, findSession, sessionCookie } from './sessions.js'
import { principalOf } from './access.js'
import { invite } from './invitations.js'

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The small page a browser gets when its link cannot sign it in. */
function refusalPage(reply: FastifyReply, message: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bpkit: sign-in link not valid</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>This sign-in link cannot be used</h1><p>${escapeHtml(message)}</p>
<p>Get a fresh link with <code>bpkit open</code> on the machine running the server, or ask for a new invitation.</p>
</body></html>`
  return reply.code(400).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}

/** `next` when it is a path of this origin (not `//host`, not `/\\host`), else `/`. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next)) return '/'
  return next
}

/** `/auth/*`: sign-in links, sessions, sign-out and invitations. */
export function registerAuthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/auth/sign-in', async (request, reply) => {
    // The code is spent here, but keep it out of the next page's Referer all the same.
    reply.header('x-request-id', request.id).header('referrer-policy', 'no-referrer')
    const { code, next } = (request.query ?? {}) as Record<string, unknown>
    if (typeof code !== 'string' || !code) return refusalPage(reply, 'The link has no code.')
    const accountId = await redeemCode(services, code)
    if (!accountId) return refusalPage(reply, 'The link was already used, has expired, or is unknown. A sign-in link works once, for 10 minutes.')
    const session = await createSession(services, accountId)
    const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000)
    return reply.code(303).header('set-cookie', sessionCookie(services, session.secret, maxAge)).header('cache-control', 'no-store').header('location', safeNext(next)).send()
  })

  app.post('/auth/sign-in-links', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const principal = await principalOf(services, request)
    if (principal.kind !== 'account') throw forbidden('A sign-in link is for an account: use a personal access token')
    return reply.send(await createSignInLink(services, principal.accountId, 'sign-in'))
  })

  app.get('/auth/session', async (request, reply) => {
    reply.header('x-request-id', request.id).header('cache-control', 'no-store')
    const session = await findSession(services, request.headers)
    if (!session) throw unauthorized('Not signed in: no session cookie, or the session has ended')
    const account = await services.store.db.selectFrom('accounts').select(['id', 'email', 'displayName']).where('id', '=', session.accountId).executeTakeFirst()
    if (!account) throw unauthorized('The account of this session no longer exists')
    return reply.send({ account: { id: account.id, email: account.email, displayName: account.displayName }, csrfToken: csrfTokenOf(session.secret) })
  })

  app.post('/auth/sign-out', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const session = await findSession(services, request.headers)
    if (session) {
      checkCsrf(request.method, request.headers, session.secret)
      await deleteSession(services, session.id)
      services.auth.invalidate()
    }
    return reply.header('set-cookie', sessionCookie(services, undefined, 0)).send({})
  })

  app.post('/auth/invitations', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const principal = await principalOf(services, request)
    return reply.send(await invite(services, principal, request, request.body))
  })
}
