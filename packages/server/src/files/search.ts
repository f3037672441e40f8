import type { PublicApi } from '@bpkit/spec'
import { sql, type SqlBool } from 'kysely'
import { invalidPayload } from '../errors.js'
import type { PublicHandlers } from '../handlers.js'
import { parseJson } from '../store/json.js'
import { notExpired } from './lookup.js'
import { passageMeta } from './passages.js'
import { searchPassages, type PassageHit } from './search-dialect.js'
import { parseTagFilter, tagFilterCondition } from './tag-filter.js'

type SearchResult = PublicApi.SearchFilesResponse['passages'][number]
type ContextPassage = NonNullable<SearchResult['context']>[number]
type Neighbour = { id: string; fileId: string; position: number; content: string; subtype: string | null }

const DEFAULT_LIMIT = 10
const MAX_LIMIT = 100
const DEFAULT_CONTEXT_DEPTH = 1
const MAX_CONTEXT_DEPTH = 10

/** `score` in [0, 1), higher is better, from the dialect's unbounded rank. */
const score = (rank: number) => Math.round((rank / (1 + rank)) * 1e6) / 1e6

const stripHeading = (content: string) => content.replace(/^#+\s*/, '').trim()

function bounded(value: number | undefined, fallback: number, min: number, max: number, field: string): number {
  const n = value ?? fallback
  if (!Number.isInteger(n) || n < min || n > max) throw invalidPayload(`Invalid query: "${field}" must be an integer from ${min} to ${max}`)
  return n
}

/** The title, then the subtitle, that a passage falls under (the nearest preceding ones). */
function breadcrumb(hit: PassageHit, neighbours: Neighbour[]): string[] {
  const before = neighbours.filter((n) => n.fileId === hit.fileId && n.position < hit.position).sort((a, b) => b.position - a.position)
  const title = before.find((n) => n.subtype === 'title')
  const subtitle = before.find((n) => n.subtype === 'subtitle' && (!title || n.position > title.position))
  return [title, subtitle].filter((n): n is Neighbour => Boolean(n)).map((n) => stripHeading(n.content))
}

export const searchHandlers: PublicHandlers = {
  /**
   * Ranks the bot's indexed passages by full-text relevance to `query` (see search-dialect.ts), then dresses
   * them as Botpress does: surrounding passages (`contextDepth`), breadcrumbs, or one passage per file.
   */
  async searchFiles(input, ctx) {
    const botId = await ctx.botId()
    const limit = bounded(input.limit, DEFAULT_LIMIT, 1, MAX_LIMIT, 'limit')
    const depth = bounded(input.contextDepth, DEFAULT_CONTEXT_DEPTH, 0, MAX_CONTEXT_DEPTH, 'contextDepth')
    const where = sql<SqlBool>`(${sql.join(
      [sql`"files"."status" = 'indexing_completed'`, notExpired(ctx.now()), tagFilterCondition(ctx.store.dialect, 'files.tags', parseTagFilter(input.tags))],
      sql` and `,
    )})`
    const hits = await searchPassages(ctx.db, ctx.store.dialect, { botId, query: input.query, limit, where })
    if (!hits.length) return { passages: [] }

    const fileIds = [...new Set(hits.map((h) => h.fileId))]
    const files = new Map(
      (await ctx.db.selectFrom('files').selectAll().where('id', 'in', fileIds).execute()).map((f) => [
        f.id,
        {
          id: f.id,
          key: f.key,
          contentType: f.contentType,
          metadata: parseJson(f.metadata, {}),
          tags: parseJson<Record<string, string>>(f.tags, {}),
          createdAt: f.createdAt,
          updatedAt: f.updatedAt,
        },
      ]),
    )
    const wantsBreadcrumb = input.includeBreadcrumb || input.consolidate
    const neighbours: Neighbour[] = await ctx.db
      .selectFrom('filePassages')
      .select(['id', 'fileId', 'position', 'content', 'subtype'])
      .where((eb) =>
        eb.or(
          hits.map((h) =>
            eb.and([
              eb('fileId', '=', h.fileId),
              wantsBreadcrumb
                ? eb.or([eb('position', '>=', h.position - depth).and('position', '<=', h.position + depth), eb('subtype', 'in', ['title', 'subtitle']).and('position', '<', h.position)])
                : eb('position', '>=', h.position - depth).and('position', '<=', h.position + depth),
            ]),
          ),
        ),
      )
      .execute()

    if (input.consolidate) {
      return {
        passages: fileIds.map((fileId) => {
          const fileHits = hits.filter((h) => h.fileId === fileId).sort((a, b) => a.position - b.position)
          const crumbs = breadcrumb(fileHits[0]!, neighbours)
          const content = [...(crumbs.length ? [crumbs.join(' > ')] : []), ...fileHits.map((h) => h.content)].join('\n\n')
          return { content, score: score(Math.max(...fileHits.map((h) => h.rank))), meta: { type: 'consolidated' as const }, file: files.get(fileId)! }
        }),
      }
    }

    return {
      passages: hits.map((hit): SearchResult => {
        const around = neighbours
          .filter((n) => n.fileId === hit.fileId && Math.abs(n.position - hit.position) <= depth)
          .sort((a, b) => a.position - b.position)
        const crumbs = input.includeBreadcrumb ? breadcrumb(hit, neighbours) : []
        const content = [...(crumbs.length ? [crumbs.join(' > ')] : []), ...around.map((n) => n.content)].join('\n\n')
        const context: ContextPassage[] | undefined = input.withContext
          ? [
              ...crumbs.map((text) => ({ text, type: 'breadcrumb' as const })),
              ...around.map((n) => ({
                id: n.id,
                text: n.content,
                offset: n.position - hit.position,
                type: n.position < hit.position ? ('preceding' as const) : n.position > hit.position ? ('subsequent' as const) : ('current' as const),
              })),
            ]
          : undefined
        return { content, score: score(hit.rank), meta: passageMeta(hit), file: files.get(hit.fileId)!, ...(context && { context }) }
      }),
    }
  },
}
