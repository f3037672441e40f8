import type { PublicHandlers } from '../handlers.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { readData, type BotData } from '../admin/bot-model.js'
import { invalidPayload } from '../errors.js'

type Allowlist = NonNullable<BotData['allowlist']>

const allowlistOf = (data: BotData): Allowlist => data.allowlist ?? { setting: 'ALL_WORKSPACE_USERS', users: [] }

/**
 * Which members of the workspace the bot is shared with. Botpress Cloud applies it in its dashboard; this
 * server has no dashboard, so it is stored and returned, and restricts no API call.
 */
export const botAllowlistHandlers: PublicHandlers = {
  async getBotAllowlist({ botId }, ctx) {
    const { setting, users } = allowlistOf(readData(await botOfWorkspace(ctx, botId)))
    return { setting, users: users.map((id) => ({ id })) }
  },

  async updateBotAllowlist({ botId, setting, users }, ctx) {
    ctx.accountId()
    const bot = await botOfWorkspace(ctx, botId)
    const data = readData(bot)
    const current = allowlistOf(data)
    const added = Object.entries(users ?? {}).filter(([, on]) => on).map(([id]) => id)
    if (added.length) {
      const members = await ctx.db
        .selectFrom('workspaceMembers')
        .select('accountId')
        .where('workspaceId', '=', bot.workspaceId)
        .where('accountId', 'in', added)
        .execute()
      const unknown = added.find((id) => !members.some((m) => m.accountId === id))
      if (unknown) throw invalidPayload(`Invalid "users.${unknown}": not a member of the bot's workspace`)
    }
    const kept = current.users.filter((id) => users?.[id] !== false)
    const allowlist: Allowlist = { setting: setting ?? current.setting, users: [...kept, ...added.filter((id) => !kept.includes(id))] }
    await ctx.db.updateTable('bots').set({ data: JSON.stringify({ ...data, allowlist }) }).where('id', '=', bot.id).execute()
    return {}
  },
}
