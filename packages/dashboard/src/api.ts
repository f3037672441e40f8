/**
 * Everything the dashboard says to the server: the public API through @bpkit/client (no token: the session
 * cookie authenticates, `x-bpkit-csrf` guards writes), plus the few bpkit routes of WEB-CONTRACT.md
 * (session, invitations, deliveries, chat) through `bpkit()`.
 */
import { Client, isApiError } from '@bpkit/client'

export type Account = { id: string; email: string; displayName?: string }
export type Session = { account: Account; csrfToken: string }

let session: Session | undefined

export const currentSession = (): Session | undefined => session

/** The cookie's session, or undefined when there is none (401). */
export async function loadSession(): Promise<Session | undefined> {
  const response = await fetch('/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } })
  if (response.status === 401 || response.status === 403) return undefined
  if (!response.ok) throw new Error(`GET /auth/session answered ${response.status}`)
  session = (await response.json()) as Session
  return session
}

const clients = new Map<string, Client>()

/** A client acting in a workspace (and on a bot): the same operations as the official client. */
export function api(scope: { workspaceId?: string; botId?: string } = {}): Client {
  const key = `${scope.workspaceId ?? ''}/${scope.botId ?? ''}`
  let client = clients.get(key)
  if (!client) {
    client = new Client({
      apiUrl: location.origin,
      workspaceId: scope.workspaceId,
      botId: scope.botId,
      headers: { 'x-bpkit-csrf': session?.csrfToken ?? '' },
      retry: false,
      timeout: 30_000,
    } as ConstructorParameters<typeof Client>[0])
    clients.set(key, client)
  }
  return client
}

export class BpkitError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type?: string,
  ) {
    super(message)
  }
}

/** A bpkit route that is not part of the public API (deliveries, chat, invitations, sign-out). */
export async function bpkit<T>(path: string, init: { method?: string; body?: unknown; workspaceId?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-bpkit-csrf': session?.csrfToken ?? '' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.workspaceId) headers['x-workspace-id'] = init.workspaceId
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await response.text()
  const data = text ? safeJson(text) : {}
  if (!response.ok) {
    const error = (data ?? {}) as { message?: string; type?: string }
    throw new BpkitError(error.message ?? `${init.method ?? 'GET'} ${path} answered ${response.status}`, response.status, error.type)
  }
  return data as T
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return { message: text.slice(0, 300) }
  }
}

/** A message a person can read from any error the client or a bpkit route throws. */
export function describeError(error: unknown): string {
  if ((isApiError(error) && error.code === 401) || (error instanceof BpkitError && error.status === 401))
    return 'Your session has ended: sign in again with a fresh link (bpkit open).'
  if (isApiError(error)) return `${error.type}: ${error.message}`
  if (error instanceof BpkitError) return `${error.type ? `${error.type}: ` : ''}${error.message}`
  return error instanceof Error ? error.message : String(error)
}

export const isForbidden = (error: unknown): boolean =>
  (isApiError(error) && error.code === 403) || (error instanceof BpkitError && error.status === 403)

// --- bpkit routes (WEB-CONTRACT.md) ---

export type DeliveryAttempt = {
  startedAt: string
  durationMs: number
  request: { url: string; headers: Record<string, string> }
  status?: number
  response?: unknown
  error?: string
}

export type Delivery = {
  id: string
  botId: string
  target: 'bot' | 'integration'
  integrationId?: string
  alias?: string
  operation: string
  type: string
  eventId?: string
  status: 'pending' | 'delivered' | 'failed' | 'canceled'
  attempts: number
  dueAt?: string
  lastError?: string
  createdAt: string
  updatedAt: string
  body: unknown
  attemptsLog: DeliveryAttempt[]
}

export const listDeliveries = (botId: string, query: { eventId?: string; status?: string; nextToken?: string; limit?: number }) => {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ limit: 50, ...query })) if (v !== undefined && v !== '') params.set(k, String(v))
  return bpkit<{ deliveries: Delivery[]; meta: { nextToken?: string } }>(`/_bpkit/bots/${encodeURIComponent(botId)}/deliveries?${params}`)
}

export const redeliver = (id: string) => bpkit<{ redelivered: boolean }>(`/_bpkit/deliveries/${encodeURIComponent(id)}/redeliver`, { method: 'POST', body: {} })

export const installChat = (botId: string) => bpkit<{ alias: string; integrationId: string }>(`/_bpkit/bots/${encodeURIComponent(botId)}/chat/install`, { method: 'POST', body: {} })

export const sendChat = (botId: string, body: { conversationId?: string; type: string; payload: unknown }) =>
  bpkit<{ conversationId: string; message: { id: string } }>(`/_bpkit/bots/${encodeURIComponent(botId)}/chat/messages`, { method: 'POST', body })

export const invite = (body: { email: string; workspaceId: string; role: string }) =>
  bpkit<{ url: string; expiresAt: string }>('/auth/invitations', { method: 'POST', body, workspaceId: body.workspaceId })

export const signOut = () => bpkit<unknown>('/auth/sign-out', { method: 'POST', body: {} })
