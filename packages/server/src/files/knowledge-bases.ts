import type { Selectable } from 'kysely'
import { invalidPayload, notFound } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import { paginate } from '../store/pagination.js'
import { mergePatch } from './inputs.js'
import type { FilesTables } from './tables.js'
import { parseTagFilter, tagFilterCondition } from './tag-filter.js'

type KnowledgeBaseRow = Selectable<FilesTables['knowledgeBases']>

const toKnowledgeBase = (row: KnowledgeBaseRow) => ({ id: row.id, name: row.name, tags: parseJson<Record<string, string>>(row.tags, {}) })

function requireName(name: string): string {
  if (!name.trim()) throw invalidPayload('Invalid body: "name" must not be empty')
  return name
}

/** Knowledge bases are named, tagged groupings a bot keeps; files join one through their tags. */
export const knowledgeBaseHandlers: PublicHandlers = {
  async createKnowledgeBase(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const row = { id: newId('knowledgeBase'), botId, name: requireName(input.name), tags: JSON.stringify(input.tags ?? {}), createdAt: now, updatedAt: now }
    await ctx.db.insertInto('knowledgeBases').values(row).execute()
    return { knowledgeBase: toKnowledgeBase(row) }
  },

  async updateKnowledgeBase(input, ctx) {
    const botId = await ctx.botId()
    const name = requireName(input.name)
    const row = await ctx.store.transaction(async (trx) => {
      const current = await trx.selectFrom('knowledgeBases').selectAll().where('id', '=', input.id).where('botId', '=', botId).executeTakeFirst()
      if (!current) throw notFound('Knowledge base', input.id)
      const tags = JSON.stringify(mergePatch(parseJson<Record<string, string>>(current.tags, {}), input.tags))
      await trx.updateTable('knowledgeBases').set({ name, tags, updatedAt: ctx.now() }).where('id', '=', current.id).execute()
      return { ...current, name, tags }
    })
    return { knowledgeBase: toKnowledgeBase(row) }
  },

  async deleteKnowledgeBase(input, ctx) {
    const botId = await ctx.botId()
    const deleted = await ctx.db.deleteFrom('knowledgeBases').where('id', '=', input.id).where('botId', '=', botId).executeTakeFirst()
    if (Number(deleted.numDeletedRows) === 0) throw notFound('Knowledge base', input.id)
    return {}
  },

  async listKnowledgeBases(input, ctx) {
    const botId = await ctx.botId()
    const query = ctx.db
      .selectFrom('knowledgeBases')
      .selectAll()
      .where('botId', '=', botId)
      .where(tagFilterCondition(ctx.store.dialect, 'knowledgeBases.tags', parseTagFilter(input.tags)))
    const page = await paginate(query, { sortColumn: 'createdAt', direction: 'desc', nextToken: input.nextToken })
    return { knowledgeBases: page.items.map((row) => ({ ...toKnowledgeBase(row), createdAt: row.createdAt })), meta: page.meta }
  },
}
