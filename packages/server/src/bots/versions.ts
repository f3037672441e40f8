import type { PublicHandlers } from '../handlers.js'
import type { RequestContext } from '../context.js'
import { botOfWorkspace } from '../admin/bot-access.js'
import { updateBotRow } from '../admin/bot-update.js'
import { notFound } from '../errors.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { botJsonOf, checkBotJson, replacingUpdate, type BotJson } from './bot-json.js'

/** Replaces the bot's definition with `json` and marks it deployed. */
async function publish(ctx: RequestContext, botId: string, json: BotJson) {
  const row = await botOfWorkspace(ctx, botId)
  await updateBotRow(ctx, row, { ...replacingUpdate(row, json), code: json.code ?? '' })
  return botJsonOf(await botOfWorkspace(ctx, botId))
}

async function versionOf(ctx: RequestContext, botId: string, versionId: string) {
  const bot = await botOfWorkspace(ctx, botId)
  const version = await ctx.db.selectFrom('botVersions').selectAll().where('id', '=', versionId).where('botId', '=', bot.id).executeTakeFirst()
  if (!version) throw notFound('Bot version', versionId)
  return version
}

/**
 * Bot versions are named snapshots of the bot JSON. `getBotVersion` hands the snapshot out as a `data:` URL
 * (a self-hosted server has no CDN; `fetch` reads it like any URL). Deploying a version publishes it.
 */
export const botVersionHandlers: PublicHandlers = {
  async getBotJson({ id }, ctx) {
    return botJsonOf(await botOfWorkspace(ctx, id))
  },

  async publishFromBotJson({ id, botJson }, ctx) {
    ctx.accountId()
    return publish(ctx, id, checkBotJson(botJson))
  },

  async createBotVersion({ id, name, description }, ctx) {
    ctx.accountId()
    const bot = await botOfWorkspace(ctx, id)
    const version = { id: newId('version'), name, description: description ?? null }
    await ctx.db.insertInto('botVersions').values({ ...version, botId: bot.id, definition: JSON.stringify(botJsonOf(bot)), createdAt: ctx.now() }).execute()
    return { version: { ...version, description } }
  },

  async listBotVersions({ id }, ctx) {
    const bot = await botOfWorkspace(ctx, id)
    const rows = await ctx.db
      .selectFrom('botVersions')
      .select(['id', 'name', 'description'])
      .where('botId', '=', bot.id)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .execute()
    return { versions: rows.map((v) => ({ id: v.id, name: v.name, description: v.description ?? undefined })) }
  },

  async getBotVersion({ id, versionId }, ctx) {
    const version = await versionOf(ctx, id, versionId)
    return { url: `data:application/json;base64,${Buffer.from(version.definition).toString('base64')}` }
  },

  async deployBotVersion({ id, versionId }, ctx) {
    ctx.accountId()
    const version = await versionOf(ctx, id, versionId)
    await publish(ctx, id, parseJson<BotJson>(version.definition, {}))
    return {}
  },
}
