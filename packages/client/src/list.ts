import type { Routes } from './table.js'

type Page<T> = { items: T[]; nextToken: string | undefined }

/** Every item of a paged list, fetched page by page as it is iterated. */
export class AsyncCollection<T> {
  constructor(private readonly listPage: (nextToken: string | undefined) => Promise<Page<T>>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    let nextToken: string | undefined
    do {
      const page = await this.listPage(nextToken)
      nextToken = page.nextToken
      yield* page.items
    } while (nextToken)
  }

  /** All items, or the first `limit` ones (no page past the one holding the last of them is fetched). */
  async collect({ limit = Infinity }: { limit?: number } = {}): Promise<T[]> {
    const items: T[] = []
    if (limit <= 0) return items
    for await (const item of this) if (items.push(item) >= limit) break
    return items
  }
}

type Lister = (input: Record<string, unknown>) => PromiseLike<Record<string, unknown>>
type Helpers = Record<string, (input?: object) => AsyncCollection<unknown>>

const listOperations = new WeakMap<Routes, [helper: string, operation: string][]>()

/** `list<Resource>` operations that page with `nextToken`, by helper name (`listConversations` → `conversations`). */
function pagedOperations(table: Routes): [string, string][] {
  let found = listOperations.get(table)
  if (!found) {
    found = Object.entries(table)
      .filter(([name, def]) => name.startsWith('list') && def.query?.includes('nextToken'))
      .map(([name]) => [name[4].toLowerCase() + name.slice(5), name])
    listOperations.set(table, found)
  }
  return found
}

/** `client.list.<resource>(input)` for each paged operation; the page's array holds its items. */
export function listHelpers(client: Record<string, unknown>, table: Routes): Helpers {
  const helpers: Helpers = {}
  for (const [helper, name] of pagedOperations(table)) {
    const list = client[name] as Lister
    helpers[helper] = (input) =>
      new AsyncCollection(async (nextToken) => {
        const page = await list.call(client, { ...input, nextToken })
        const meta = page.meta as { nextToken?: string } | undefined
        return { items: (Object.values(page).find(Array.isArray) as unknown[]) ?? [], nextToken: meta?.nextToken }
      })
  }
  return helpers
}
