import type { Db } from '../store/store.js'
import { prepared } from '../store/prepared.js'
import { parseJson } from '../store/json.js'
import type { BotRuntime } from './bot-runtime.js'
import type { CodeRunner } from './deployed/code-runner.js'
import { call, type Call, type CallResult } from './transport.js'

/**
 * Where a bot or an integration answers: the `url` it was created with (a dev bot or integration, a `bp dev`
 * tunnel), or the process running its deployed `code`. `missing`: nothing runs it (a delivery fails for good);
 * `unavailable`: it should run but cannot now (a crashing process: a delivery is tried again later). The
 * dispatcher and the synchronous calls only ever send to a url found here, never to one from a request.
 * A deployed process's target has `answered`, which `callTarget` calls when it answers.
 */
export type UrlTarget = { url: string; answered?: () => void }
export type Target = UrlTarget | { missing: string } | { unavailable: string }

/** Calls a target; an answer tells the supervisor of a deployed process that it is healthy. */
export async function callTarget(target: UrlTarget, request: Omit<Call, 'url'>): Promise<CallResult> {
  const result = await call({ ...request, url: target.url })
  if (result.kind === 'answered') target.answered?.()
  return result
}

type IntegrationRow = { name: string; url: string | null; hasCode: number | boolean; secrets: string; workspaceId: string; updatedAt: string }

const integrationRow = prepared<{ id: string }, IntegrationRow>((db, p) =>
  db
    .selectFrom('hubPackages')
    .select((eb) => ['name', 'url', eb('code', 'is not', null).as('hasCode'), 'secrets', 'workspaceId', 'updatedAt'])
    .where('id', '=', p.id)
    .where('kind', '=', 'integration'),
)
const integrationCode = prepared<{ id: string }, { code: string | null }>((db, p) => db.selectFrom('hubPackages').select('code').where('id', '=', p.id))

const CODE_CACHE_LIMIT = 32

export class Targets {
  // An integration's bundle is megabytes, read once per version (its `updatedAt`) rather than on every delivery.
  private readonly code = new Map<string, { updatedAt: string; code: string | null }>()

  constructor(
    private readonly db: () => Db,
    readonly runner: CodeRunner,
  ) {}

  private async codeOf(integrationId: string, updatedAt: string): Promise<string | null> {
    const known = this.code.get(integrationId)
    if (known?.updatedAt === updatedAt) return known.code
    const [row] = (await integrationCode(this.db(), { id: integrationId })).rows
    if (this.code.size >= CODE_CACHE_LIMIT) this.code.clear()
    this.code.set(integrationId, { updatedAt, code: row?.code ?? null })
    return row?.code ?? null
  }

  async bot(bot: BotRuntime): Promise<Target> {
    if (bot.url) return { url: bot.url }
    if (bot.code) return this.runner.urlOf({ kind: 'bot', id: bot.botId, workspaceId: bot.workspaceId, code: bot.code })
    return { missing: `bot "${bot.botId}" has no url and no code: nothing runs it on this server` }
  }

  async integration(integrationId: string): Promise<Target> {
    const [row] = (await integrationRow(this.db(), { id: integrationId })).rows
    if (!row) return { missing: `integration "${integrationId}" doesn't exist` }
    if (row.url) return { url: row.url }
    if (row.hasCode) {
      const secrets = parseJson<Record<string, string>>(row.secrets, {})
      const code = await this.codeOf(integrationId, row.updatedAt)
      if (code) return this.runner.urlOf({ kind: 'integration', id: integrationId, workspaceId: row.workspaceId, code, secrets })
    }
    return { missing: `integration "${row.name}" has no url and no code: nothing runs it on this server` }
  }
}
