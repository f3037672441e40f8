import type { Services } from '../../context.js'
import type { Bot } from '../../admin/bot-model.js'
import type { Db } from '../../store/store.js'
import { raw, recordIssue } from '../../bots/issues.js'

/** A deployment whose process keeps exiting: how often within the crash window, how it last ended, its last error lines. */
export type Crashing = { kind: 'bot' | 'integration'; id: string; streak: number; exit: string; errors: string }

/**
 * What an install of a crashing integration says. The contract's install statuses name no crash; of them,
 * `registration_failed` is the one that says the installation does not work now (the others say it is pending,
 * working or removed). The stored status is left as it was and shows again once the code answers.
 */
type Install = Bot['integrations'][string]
export const CRASHING_STATUS: Install['status'] = 'registration_failed'
const MAX_REASON = 2_000

const explain = (crash: Crashing, whose: string) =>
  `${whose} process exited ${crash.streak} times within a minute (last: ${crash.exit}). It is started again after a backoff. Its last errors:\n${crash.errors}`

/**
 * Records that a deployment keeps crashing. A crashing integration is marked for every install of it (in the
 * store, so that each process of the database shows it); `raiseIssues` (once a streak) raises an issue of the
 * bot, or of each bot that installs the integration.
 */
export async function recordCrashing(services: Services, crash: Crashing, raiseIssues: boolean): Promise<void> {
  const { store } = services
  const now = new Date().toISOString()
  if (crash.kind === 'bot') {
    if (raiseIssues) await recordIssue(store, crash.id, issueOf(crash, 'deployed-code:crashing', explain(crash, "The bot's"), { kind: raw('bot') }, now))
    return
  }
  const reason = `Its code keeps crashing: ${explain(crash, 'the integration')}`.slice(0, MAX_REASON)
  await store.db
    .insertInto('crashingIntegrations')
    .values({ integrationId: crash.id, reason, since: now })
    .onConflict((oc) => oc.column('integrationId').doUpdateSet({ reason }))
    .execute()
  if (!raiseIssues) return
  const installs = await store.db.selectFrom('webhooks').select(['botId', 'alias']).where('integrationId', '=', crash.id).execute()
  for (const { botId, alias } of installs) {
    const description = explain(crash, `Integration "${alias}" (${crash.id}) runs as deployed code; its`)
    await recordIssue(store, botId, issueOf(crash, `deployed-code:integration-crashing:${alias}`, description, { kind: raw('integration'), alias: raw(alias) }, now))
  }
}

function issueOf(crash: Crashing, code: string, description: string, grouped: Record<string, { raw: string }>, now: string) {
  const title = crash.kind === 'bot' ? 'The deployed code keeps crashing' : `The deployed code of integration "${grouped.alias!.raw}" keeps crashing`
  return { code, title, description, category: 'user_code' as const, grouped, data: { exit: raw(crash.exit), errors: raw(crash.errors) }, now }
}

/** A process of the integration's code answered: its installs show their own status again. */
export async function clearCrashing(db: Db, integrationId: string): Promise<void> {
  await db.deleteFrom('crashingIntegrations').where('integrationId', '=', integrationId).execute()
}

/** The bot as `getBot` answers it: each install of a crashing integration says so in its status and reason. */
export async function withCrashingInstalls(db: Db, bot: Bot): Promise<Bot> {
  const ids = [...new Set(Object.values(bot.integrations ?? {}).map((entry) => entry.id))]
  if (!ids.length) return bot
  const rows = await db.selectFrom('crashingIntegrations').select(['integrationId', 'reason']).where('integrationId', 'in', ids).execute()
  if (!rows.length) return bot
  const reasons = new Map(rows.map((row) => [row.integrationId, row.reason]))
  const integrations = Object.fromEntries(
    Object.entries(bot.integrations).map(([alias, entry]) => {
      const reason = reasons.get(entry.id)
      const shown: Install = reason === undefined ? entry : { ...entry, status: CRASHING_STATUS, statusReason: reason }
      return [alias, shown]
    }),
  )
  return { ...bot, integrations }
}
