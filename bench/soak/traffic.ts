/**
 * The soak's mixed traffic, one scenario at a time, each a few real requests a user would make:
 *   chat     createUser, createConversation, createMessage, listMessages (bot key, a channel no integration runs)
 *   files    upsertFile, PUT of the bytes to its uploadUrl, getFile, GET of its download url
 *   tables   createTableRows (5 rows), findTableRows with a filter
 *   runtime  a webhook POST to the chat integration; done when the integration hears the echo bot's reply
 * Every request's time and whether it succeeded go to the recorder; the runtime's round trip is recorded apart.
 */
import { randomBytes } from 'node:crypto'
import { send, type Answer } from '../http.js'

export type Recorder = {
  request(ms: number, ok: boolean, what: string, detail: string): void
  echo(ms: number, ok: boolean, detail: string): void
}

export type TrafficConfig = { apiUrl: string; botId: string; botKey: string; webhookUrl: string; table: string }

/** Resolves round trips by the text the integration reports; fed by the collector the fixtures report to. */
export class EchoWaiters {
  private readonly waiting = new Map<string, () => void>()

  wait(text: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(text)
        resolve(false)
      }, timeoutMs)
      this.waiting.set(text, () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  heard(text: string): void {
    const done = this.waiting.get(text)
    this.waiting.delete(text)
    done?.()
  }
}

export const SCENARIOS = ['chat', 'files', 'tables', 'runtime'] as const
export type Scenario = (typeof SCENARIOS)[number]

export class Traffic {
  private n = 0
  private readonly asBot: Record<string, string>

  constructor(
    private readonly config: TrafficConfig,
    private readonly recorder: Recorder,
    private readonly echoes: EchoWaiters,
  ) {
    this.asBot = { authorization: `Bearer ${config.botKey}`, 'x-bot-id': config.botId }
  }

  /** Runs scenario `kind`; never throws (failures are recorded). */
  async run(kind: Scenario): Promise<void> {
    const n = this.n++
    try {
      await this[kind](n)
    } catch (error) {
      this.recorder.request(0, false, kind, String(error))
    }
  }

  /** A request of the API as the bot; returns the parsed answer of a 2xx, undefined (recorded) otherwise. */
  private async api(what: string, method: string, path: string, body?: unknown): Promise<any> {
    return this.check(what, await send(method, `${this.config.apiUrl}${path}`, this.asBot, body))
  }

  private check(what: string, answer: Answer, parse = true): any {
    const ok = answer.status >= 200 && answer.status < 300
    this.recorder.request(answer.ms, ok, what, ok ? '' : `${answer.status} ${answer.body.toString('utf8', 0, 300)}`)
    if (!ok) return undefined
    return parse ? JSON.parse(answer.body.toString() || '{}') : answer.body
  }

  private async chat(n: number) {
    const user = await this.api('createUser', 'POST', '/v1/chat/users', { tags: {}, name: `soak user ${n}` })
    const conversation = await this.api('createConversation', 'POST', '/v1/chat/conversations', { channel: 'channel', integrationName: 'soak', tags: {} })
    if (!user || !conversation) return
    const conversationId = conversation.conversation.id
    await this.api('createMessage', 'POST', '/v1/chat/messages', { conversationId, userId: user.user.id, type: 'text', payload: { text: `hello ${n}` }, tags: {} })
    await this.api('listMessages', 'GET', `/v1/chat/messages?conversationId=${conversationId}`)
  }

  private async files(n: number) {
    const content = randomBytes(2_048 + (n % 8) * 1_024)
    const created = await this.api('upsertFile', 'PUT', '/v1/files', { key: `soak/${n}.bin`, size: content.length, contentType: 'application/octet-stream', tags: { soak: 'yes' } })
    if (!created) return
    const uploaded = this.check('upload (PUT uploadUrl)', await send('PUT', created.file.uploadUrl, { 'content-type': 'application/octet-stream' }, content), false)
    if (uploaded === undefined) return
    const file = await this.api('getFile', 'GET', `/v1/files/${created.file.id}`)
    if (!file) return
    const downloaded = await send('GET', file.file.url)
    // Bytes that differ from the upload count as an error like a failed request.
    const wrong = downloaded.status === 200 && !downloaded.body.equals(content)
    this.check('download (GET url)', wrong ? { ...downloaded, status: 599, body: Buffer.from('the downloaded bytes differ from the upload') } : downloaded, false)
  }

  private async tables(n: number) {
    const rows = Array.from({ length: 5 }, (_, i) => ({ name: `row ${n}.${i}`, score: (n * 5 + i) % 1_000, group: `g${n % 20}` }))
    await this.api('createTableRows', 'POST', `/v1/tables/${this.config.table}/rows`, { rows })
    await this.api('findTableRows', 'POST', `/v1/tables/${this.config.table}/rows/find`, { filter: { group: `g${n % 20}`, score: { $gte: 500 } }, limit: 20, orderBy: 'score' })
  }

  private async runtime(n: number) {
    const text = `soak ${n}`
    const heard = this.echoes.wait(`echo: ${text}`, 30_000)
    const started = performance.now()
    const body = { userId: `u${n % 50}`, conversationId: `c${n % 50}`, text }
    const webhook = this.check('webhook', await send('POST', this.config.webhookUrl, {}, body), false)
    if (webhook === undefined) return
    const ok = await heard
    this.recorder.echo(performance.now() - started, ok, ok ? '' : `no echo of "${text}" within 30 s`)
  }
}
