/**
 * Helpers of the web face's tests: a browser's part done by hand over real HTTP (the sign-in link followed
 * without redirects, the session cookie kept and sent, the CSRF header), and a reader of `GET /live`.
 */
import assert from 'node:assert/strict'
import type { TestServer } from '@bpkit/server'

export type Session = { cookie: string; csrfToken: string; accountId: string; setCookie: string }

/** A sign-in link for the account of `token` (`POST /auth/sign-in-links`). */
export async function signInLink(server: TestServer, token = server.token): Promise<{ url: string; expiresAt: string }> {
  const response = await fetch(`${server.url}/auth/sign-in-links`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
  assert.equal(response.status, 200, await response.clone().text())
  return (await response.json()) as { url: string; expiresAt: string }
}

/** Follows a sign-in or invitation link as a browser would, keeping the cookie: the session it opens. */
export async function follow(link: string): Promise<Session> {
  const response = await fetch(link, { redirect: 'manual' })
  assert.equal(response.status, 303, await response.clone().text())
  const setCookie = response.headers.get('set-cookie') ?? ''
  const cookie = setCookie.split(';')[0]!
  assert.match(cookie, /^bpkit_session=.+/)
  const origin = new URL(link).origin
  const session = await fetch(`${origin}/auth/session`, { headers: { cookie } })
  assert.equal(session.status, 200, await session.clone().text())
  const body = (await session.json()) as { account: { id: string }; csrfToken: string }
  return { cookie, csrfToken: body.csrfToken, accountId: body.account.id, setCookie }
}

/** Signs the account of `token` in: a link, followed. */
export async function signIn(server: TestServer, token = server.token): Promise<Session> {
  return follow((await signInLink(server, token)).url)
}

export type WebOptions = { method?: string; body?: unknown; headers?: Record<string, string>; csrf?: boolean }

/** A request as the dashboard makes it: the cookie, the CSRF header on state changes (unless `csrf: false`). */
export async function web(server: TestServer, session: Session | undefined, path: string, options: WebOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST')
  const headers: Record<string, string> = { ...options.headers }
  if (session) headers.cookie = session.cookie
  if (session && method !== 'GET' && options.csrf !== false) headers['x-bpkit-csrf'] = session.csrfToken
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${server.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: 'manual' })
  const text = await response.text()
  let body: any = text
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers }
}

/** A Botpress error envelope of this status and type, whose message matches. */
export function assertBotpressError(response: { status: number; body: any }, status: number, type: string, message?: RegExp): void {
  assert.equal(response.status, status, JSON.stringify(response.body))
  assert.equal(response.body?.type, type, JSON.stringify(response.body))
  assert.equal(response.body?.code, status)
  assert.match(String(response.body?.id), /^err_/)
  if (message) assert.match(response.body.message, message)
}

export type LiveEvent = { event: string; data: any }

export type LiveStream = {
  status: number
  events: LiveEvent[]
  /** Resolves with the first event (received already or to come) that `match` accepts. */
  waitFor(match: (e: LiveEvent) => boolean, timeoutMs?: number): Promise<LiveEvent>
  /** Resolves when the server ended the stream. */
  ended: Promise<void>
  close(): void
}

/** Opens `GET /live?<query>` with a session cookie or a bearer token and parses the server-sent events as they come. */
export async function openLive(server: TestServer | string, query: string, auth: { session?: Session; token?: string }): Promise<LiveStream> {
  const base = typeof server === 'string' ? server : server.url
  const controller = new AbortController()
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (auth.session) headers.cookie = auth.session.cookie
  if (auth.token) headers.authorization = `Bearer ${auth.token}`
  const response = await fetch(`${base}/live?${query}`, { headers, signal: controller.signal })
  const events: LiveEvent[] = []
  const waiters: { match: (e: LiveEvent) => boolean; resolve: (e: LiveEvent) => void }[] = []
  let ended: Promise<void> = Promise.resolve()
  if (response.ok && response.body) {
    ended = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true })
          let at: number
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at)
            buffer = buffer.slice(at + 2)
            let event = 'message'
            const data: string[] = []
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7)
              else if (line.startsWith('data: ')) data.push(line.slice(6))
            }
            if (!data.length) continue
            const parsed = { event, data: JSON.parse(data.join('\n')) }
            events.push(parsed)
            for (const w of [...waiters]) {
              if (w.match(parsed)) {
                waiters.splice(waiters.indexOf(w), 1)
                w.resolve(parsed)
              }
            }
          }
        }
      } catch {
        // aborted by close()
      }
    })()
  } else {
    await response.text()
  }
  return {
    status: response.status,
    events,
    ended,
    waitFor(match, timeoutMs = 10_000) {
      const found = events.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching live event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs)
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) })
      })
    },
    close: () => controller.abort(),
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `check` until it stops throwing (its value), or rethrows its last error after `timeoutMs`. */
export async function until<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(50)
    }
  }
}
