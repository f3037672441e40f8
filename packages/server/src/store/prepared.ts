import type { CompiledQuery, Compilable, Kysely, QueryResult } from 'kysely'
import type { Database } from './database.js'
import type { Db } from './store.js'
import { groupCommitDriverOf } from './sqlite-driver.js'

/** Stands for a parameter while a prepared query is compiled; replaced by its value at each run. */
class Placeholder {
  constructor(readonly key: string) {}
}

/** Hands out placeholders, one per parameter name, typed as the parameter's value. */
export type Placeholders<P> = { readonly [K in keyof P]: P[K] }

const placeholders = new Proxy({} as Record<string, Placeholder>, { get: (_, name) => new Placeholder(String(name)) })

/** A compiled query, and for each of its parameters the key of the value it takes, or its constant value. */
type Template = { sql: string; query: CompiledQuery['query']; keys: (string | undefined)[]; constants: unknown[] }

/**
 * A query of a fixed shape, built and compiled by Kysely once per dialect, then run with new values.
 * Building and compiling costs a few microseconds per query, as much as SQLite takes to run a point
 * lookup: worth sparing on the request paths every bot hits (reading a message, writing one). `build`
 * receives placeholders for the parameters (`p.id`); each must be used as a value, never to choose the
 * query's shape.
 */
export function prepared<P extends Record<string, unknown>, O>(build: (db: Kysely<Database>, params: Placeholders<P>) => Compilable<O>) {
  const templates = new Map<unknown, Template>()
  return async (db: Db, params: P): Promise<QueryResult<O>> => {
    const executor = db.getExecutor()
    const adapter = executor.adapter.constructor
    let template = templates.get(adapter)
    if (!template) {
      const compiled = build(db as Kysely<Database>, placeholders as Placeholders<P>).compile()
      template = {
        sql: compiled.sql,
        query: compiled.query,
        keys: compiled.parameters.map((value) => (value instanceof Placeholder ? value.key : undefined)),
        constants: compiled.parameters.map((value) => (value instanceof Placeholder ? undefined : value)),
      }
      templates.set(adapter, template)
    }
    const { keys, constants } = template
    const parameters = new Array<unknown>(keys.length)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      parameters[i] = key === undefined ? constants[i] : params[key]
    }
    const compiled = { sql: template.sql, parameters, query: template.query, queryId: { queryId: '' } } as CompiledQuery<O>
    const direct = groupCommitDriverOf(executor)
    return direct ? (direct.runCompiled(db.isTransaction, compiled) as Promise<QueryResult<O>>) : db.executeQuery<O>(compiled)
  }
}

/** `columns` when it names every key of `P`, else `never`: a column left out of a prepared insert fails to compile. */
type EveryKey<P, C extends readonly PropertyKey[]> = Exclude<keyof P, C[number]> extends never ? C : never

/**
 * The placeholders of `columns` as one row for `.values()`: what a prepared insert of whole rows writes. The
 * placeholders cannot list their own keys, so the columns are named, and must be all of them.
 */
export function rowOf<P extends Record<string, unknown>, const C extends readonly (keyof P & string)[]>(p: Placeholders<P>, columns: EveryKey<P, C>): P {
  return Object.fromEntries(columns.map((column) => [column, p[column]])) as P
}
