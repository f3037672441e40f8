import type { CompiledQuery, Compilable, Kysely, QueryResult } from 'kysely'
import type { Database } from './database.js'
import type { Db } from './store.js'

/** Stands for a parameter while a prepared query is compiled; replaced by its value at each run. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** Hands out placeholders, one per parameter name, typed as the parameter's value. */
export type Placeholders<P> = { readonly [K in keyof P]: P[K] }

const placeholders = new Proxy({} as Record<string, Placeholder>, { get: (_, name) => new Placeholder(String(name)) })

type Template = { sql: string; slots: (Placeholder | { value: unknown })[]; query: CompiledQuery['query'] }

/**
 * A query of a fixed shape, built and compiled by Kysely once per dialect, then run with new values.
 * Building and compiling costs a few microseconds per query, as much as SQLite takes to run a point
 * lookup: worth sparing on the request paths every bot hits (reading a message, writing one, the log
 * lines). `build` receives placeholders for the parameters; each must be used as a value, never to
 * choose the query's shape.
 */
export function prepared<P extends Record<string, unknown>, O>(build: (db: Kysely<Database>, params: Placeholders<P>) => Compilable<O>) {
  const templates = new Map<unknown, Template>()
  return async (db: Db, params: P): Promise<QueryResult<O>> => {
    const adapter = db.getExecutor().adapter.constructor
    let template = templates.get(adapter)
    if (!template) {
      const compiled = build(db as Kysely<Database>, placeholders as Placeholders<P>).compile()
      template = {
        sql: compiled.sql,
        query: compiled.query,
        slots: compiled.parameters.map((value) => (value instanceof Placeholder ? value : { value })),
      }
      templates.set(adapter, template)
    }
    const parameters = template.slots.map((slot) => (slot instanceof Placeholder ? params[slot.name] : slot.value))
    return db.executeQuery<O>({ sql: template.sql, parameters, query: template.query, queryId: { queryId: '' } } as CompiledQuery<O>)
  }
}
