/**
 * A stand-in for the server side of WEB-CONTRACT.md, used by the dashboard's tests only while the server
 * they start does not serve that contract itself (branch web-server). It runs beside a real bpkit test
 * server, in the same process, and does what the contract says with the real server's API and store:
 * sessions by cookie (each standing for a personal access token), CSRF, the live stream (read from the
 * store, as the contract asks), deliveries and redeliver, invitations, and chat through an integration
 * installed on the bot. Static files come from packages/dashboard/dist. Nothing of it ships.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { TestServer } from '@bpkit/server'

type Sess = { token: string; csrf: string; accountId: string }
export type ChatBridge = { integrationId: string; alias: string; webhookUrl: string }

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' }

export async function startShim(api: TestServer, dist: string, chat?: () => ChatBridge | undefined) {
  const db = api.server.store.db as any
  const codes = new Map<string, string>()
  const sessions = new Map<string, Sess>()
  const apiUrl = new URL(api.url)

  const call = async (token: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const r = await fetch(api.url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    return { status: r.status, body: (await r.json().catch(() => ({}))) as any }
  }
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const apiError = (res: ServerResponse, status: number, type: string, message: string) => json(res, status, { id: 'err_shim', code: status, type, message })
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString()
    return text ? JSON.parse(text) : {}
  }
  const sessionOf = (req: IncomingMessage): Sess | undefined => {
    const m = /(?:^|;\s*)bpkit_session=([^;]+)/.exec(req.headers.cookie ?? '')
    return m ? sessions.get(m[1]!) : undefined
  }
  const link = (token: string) => {
    const code = randomBytes(16).toString('base64url')
    codes.set(code, token)
    return `${url}/auth/sign-in?code=${code}`
  }
  /** A personal access token for an account that has none the test knows (an invited member). */
  const patFor = async (accountId: string) => {
    const value = 'bp_pat_' + randomBytes(32).toString('base64url')
    const now = new Date().toISOString()
    await db.insertInto('tokens').values({ id: `token_${randomBytes(12).toString('hex')}`, createdAt: now, note: 'dashboard session', kind: 'pat', hash: createHash('sha256').update(value).digest('hex'), accountId, workspaceId: null, botId: null, integrationId: null }).execute()
    return value
  }

  const toDelivery = async (row: any) => {
    const attempts = await db.selectFrom('deliveryAttempts').selectAll().where('deliveryId', '=', row.id).orderBy('startedAt').execute()
    const parse = (t: string | null) => {
      if (t === null || t === undefined) return undefined
      try {
        return JSON.parse(t)
      } catch {
        return t
      }
    }
    return {
      ...row,
      orderKey: undefined,
      leaseUntil: undefined,
      body: parse(row.body),
      attemptsLog: attempts.map((a: any) => ({ startedAt: a.startedAt, durationMs: a.durationMs, request: parse(a.request), status: a.status ?? undefined, response: parse(a.response), error: a.error ?? undefined })),
    }
  }

  const http = createServer(async (req, res) => {
    try {
      const u = new URL(req.url ?? '/', 'http://x')
      const path = u.pathname
      const sess = sessionOf(req)
      const writes = req.method !== 'GET' && req.method !== 'HEAD'
      if (path === '/auth/sign-in') {
        const token = codes.get(u.searchParams.get('code') ?? '')
        if (!token) return void (res.writeHead(400, { 'content-type': 'text/html' }), res.end('<p>This sign-in link was used, expired or is unknown.</p>'))
        codes.delete(u.searchParams.get('code')!)
        const account = await call(token, '/v1/admin/account/me')
        const sid = randomBytes(24).toString('base64url')
        sessions.set(sid, { token, csrf: randomBytes(16).toString('hex'), accountId: account.body.account.id })
        const next = u.searchParams.get('next')
        res.writeHead(303, { location: next && next.startsWith('/') && !next.startsWith('//') ? next : '/', 'set-cookie': `bpkit_session=${sid}; HttpOnly; SameSite=Strict; Path=/` })
        return void res.end()
      }
      if (!sess) {
        if (path.startsWith('/auth/') || path.startsWith('/v1/') || path.startsWith('/v2/') || path.startsWith('/live') || path.startsWith('/_bpkit/'))
          return apiError(res, 401, 'Unauthorized', 'No session: sign in with a link')
        return serveStatic(res, path)
      }
      if (writes && req.headers['x-bpkit-csrf'] !== sess.csrf) return apiError(res, 403, 'Forbidden', 'A state-changing request needs the x-bpkit-csrf header')
      if (path === '/auth/session') {
        const account = await call(sess.token, '/v1/admin/account/me')
        return json(res, 200, { account: { id: account.body.account.id, email: account.body.account.email, displayName: account.body.account.displayName }, csrfToken: sess.csrf })
      }
      if (path === '/auth/sign-out') {
        for (const [k, v] of sessions) if (v === sess) sessions.delete(k)
        res.writeHead(200, { 'set-cookie': 'bpkit_session=; Max-Age=0; Path=/', 'content-type': 'application/json' })
        return void res.end('{}')
      }
      if (path === '/auth/invitations') {
        const body = await readBody(req)
        const me = await call(sess.token, '/v1/admin/workspace-members/me', { headers: { 'x-workspace-id': body.workspaceId } })
        if (me.status !== 200 || !['owner', 'administrator'].includes(me.body.role)) return apiError(res, 403, 'Forbidden', 'Only an owner or an administrator invites members')
        const made = await call(sess.token, '/v1/admin/workspace-members', { method: 'POST', body: { email: body.email, role: body.role }, headers: { 'x-workspace-id': body.workspaceId } })
        if (made.status >= 300) return json(res, made.status, made.body)
        const accountId = made.body.accountId ?? (await db.selectFrom('workspaceMembers').select('accountId').where('id', '=', made.body.id).executeTakeFirst())?.accountId
        return json(res, 200, { url: link(await patFor(accountId)), expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() })
      }
      const botRoute = /^\/_bpkit\/bots\/([^/]+)\/(deliveries|chat\/install|chat\/messages)$/.exec(path)
      const liveBot = path === '/live' ? u.searchParams.get('botId') : undefined
      const botId = botRoute?.[1] ?? liveBot ?? undefined
      if (botId) {
        const bot = await db.selectFrom('bots').select(['id', 'workspaceId']).where('id', '=', botId).executeTakeFirst()
        const may = bot && (await call(sess.token, `/v1/admin/bots/${botId}`, { headers: { 'x-workspace-id': bot.workspaceId } })).status === 200
        if (!may) return apiError(res, 404, 'ResourceNotFound', `Bot ${botId} not found`)
        if (liveBot) return live(req, res, botId)
        if (botRoute![2] === 'deliveries') {
          let q = db.selectFrom('deliveries').selectAll().where('botId', '=', botId)
          if (u.searchParams.get('eventId')) q = q.where('eventId', '=', u.searchParams.get('eventId'))
          if (u.searchParams.get('status')) q = q.where('status', '=', u.searchParams.get('status'))
          const limit = Math.min(100, Number(u.searchParams.get('limit') ?? 50))
          const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute()
          return json(res, 200, { deliveries: await Promise.all(rows.map(toDelivery)), meta: {} })
        }
        const bridge = chat?.()
        if (!bridge) return apiError(res, 400, 'InvalidPayload', 'No chat bridge in this test')
        if (botRoute![2] === 'chat/install') return json(res, 200, { alias: bridge.alias, integrationId: bridge.integrationId })
        const body = await readBody(req)
        const chatId = body.conversationId ? (await db.selectFrom('conversations').select('tags').where('id', '=', body.conversationId).executeTakeFirst())?.tags : undefined
        const externalId = chatId ? JSON.parse(chatId)[`${bridge.alias}:chatId`] : `dash-${randomBytes(6).toString('hex')}`
        const sent = await fetch(bridge.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: sess.accountId, conversationId: externalId, text: body.payload?.text }) })
        if (sent.status >= 300) return apiError(res, 502, 'Runtime', `The chat channel answered ${sent.status}`)
        for (let i = 0; i < 100; i++) {
          const conv = await db.selectFrom('conversations').select('id').where('botId', '=', botId).where('tags', 'like', `%"${bridge.alias}:chatId":"${externalId}"%`).executeTakeFirst()
          const msg = conv && (await db.selectFrom('messages').selectAll().where('conversationId', '=', conv.id).where('direction', '=', 'incoming').orderBy('createdAt', 'desc').executeTakeFirst())
          if (msg) return json(res, 200, { conversationId: conv.id, message: { ...msg, payload: JSON.parse(msg.payload), tags: JSON.parse(msg.tags) } })
          await new Promise((r) => setTimeout(r, 20))
        }
        return apiError(res, 504, 'Runtime', 'The message did not arrive')
      }
      const again = /^\/_bpkit\/deliveries\/([^/]+)\/redeliver$/.exec(path)
      if (again) {
        const ok = await api.server.runtime.redeliver(again[1]!)
        return ok ? json(res, 200, { redelivered: true }) : apiError(res, 409, 'InvalidPayload', 'This delivery is not settled')
      }
      if (path.startsWith('/v1/') || path.startsWith('/v2/')) return proxy(req, res, sess)
      return serveStatic(res, path)
    } catch (error) {
      if (!res.headersSent) apiError(res, 500, 'Internal', String(error))
      else res.end()
    }
  })

  function proxy(req: IncomingMessage, res: ServerResponse, sess: Sess) {
    const headers = { ...req.headers, host: apiUrl.host, authorization: `Bearer ${sess.token}` }
    delete headers.cookie
    const up = httpRequest({ host: apiUrl.hostname, port: apiUrl.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.on('error', (e) => apiError(res, 502, 'Internal', String(e)))
    req.pipe(up)
  }

  async function serveStatic(res: ServerResponse, path: string) {
    const file = normalize(join(dist, path))
    let body: Buffer
    let type = types[extname(file)] ?? 'application/octet-stream'
    try {
      if (!file.startsWith(dist) || path === '/' || !extname(file)) throw new Error('spa')
      body = await readFile(file)
    } catch {
      body = await readFile(join(dist, 'index.html'))
      type = types['.html']!
    }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' })
    res.end(body)
  }

  /** The stream, read from the store every 50 ms (messages, events, deliveries and their attempts). */
  function live(req: IncomingMessage, res: ServerResponse, botId: string) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(': open\n\n')
    let since = new Date(Date.now() - 1000).toISOString()
    const seen = new Map<string, string>()
    let busy = false
    const tick = async () => {
      if (busy) return
      busy = true
      try {
        const from = since
        since = new Date(Date.now() - 2000).toISOString()
        const send = (name: string, key: string, stamp: string, data: unknown) => {
          if (seen.get(key) === stamp) return
          seen.set(key, stamp)
          res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
        }
        for (const m of await db.selectFrom('messages').selectAll().where('botId', '=', botId).where('updatedAt', '>=', from).orderBy('createdAt').limit(200).execute())
          send('message', m.id, m.updatedAt, { message: { id: m.id, createdAt: m.createdAt, updatedAt: m.updatedAt, type: m.type, payload: JSON.parse(m.payload), direction: m.direction, userId: m.userId, conversationId: m.conversationId, tags: JSON.parse(m.tags ?? '{}') } })
        for (const e of await db.selectFrom('events').selectAll().where('botId', '=', botId).where('createdAt', '>=', new Date(Date.now() - 300_000).toISOString()).orderBy('createdAt', 'desc').limit(200).execute())
          send('event', e.id, e.status, { event: { id: e.id, createdAt: e.createdAt, type: e.type, payload: JSON.parse(e.payload ?? '{}'), status: e.status, failureReason: e.failureReason ?? null, conversationId: e.conversationId ?? undefined, userId: e.userId ?? undefined, messageId: e.messageId ?? undefined } })
        for (const d of await db.selectFrom('deliveries').selectAll().where('botId', '=', botId).where('updatedAt', '>=', from).limit(200).execute())
          send('delivery', d.id, `${d.updatedAt}|${d.status}|${d.attempts}`, { delivery: await toDelivery(d) })
      } catch {
        // the next tick tries again
      } finally {
        busy = false
      }
    }
    const timer = setInterval(tick, 50)
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000)
    req.on('close', () => (clearInterval(timer), clearInterval(ping)))
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  return {
    url,
    signInLink: link,
    close: () => new Promise<void>((resolve) => (http.closeAllConnections(), http.close(() => resolve()))),
  }
}
