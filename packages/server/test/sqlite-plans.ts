/**
 * What SQLite's planner makes of the statements a test server runs: every statement run while `record`'s
 * callback runs is kept, with its connection, and `scansOf` reads each one's plan (`EXPLAIN QUERY PLAN`) for
 * what reads a whole table. The server runs in the test's process, so wrapping better-sqlite3's statements here
 * sees its statements too.
 */
import SQLite from 'better-sqlite3'

const ran = new Map<string, SQLite.Database>()
let recording = false
const statementMethods = Object.getPrototypeOf(new SQLite(':memory:').prepare('select 1')) as Record<'run' | 'all' | 'get' | 'iterate', (...args: unknown[]) => unknown>
for (const method of ['run', 'all', 'get', 'iterate'] as const) {
  const original = statementMethods[method]
  statementMethods[method] = function (this: SQLite.Statement, ...args: unknown[]) {
    if (recording) ran.set(this.source, this.database)
    return original.apply(this, args)
  }
}

/** Runs `actions`, keeping every statement run meanwhile (what was kept before is forgotten). */
export async function recordStatements(actions: () => Promise<void>): Promise<void> {
  ran.clear()
  recording = true
  try {
    await actions()
  } finally {
    recording = false
  }
}

/** The tables of `tables` a statement names, by the name SQLite's plan gives them (the alias where there is one). */
function tablesOf(source: string, tables: string[]): Set<string> {
  const named = new Set<string>()
  for (const match of source.matchAll(/(?:from|into|update|join)\s+"(\w+)"(?:\s+as\s+"(\w+)")?/gi)) {
    if (tables.includes(match[1]!)) named.add(match[2] ?? match[1]!)
  }
  return named
}

function planOf(db: SQLite.Database, source: string): string[] {
  const parameters = (source.match(/\?/g) ?? []).map(() => null)
  return db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...parameters).map((row) => (row as { detail: string }).detail)
}

/**
 * Of the statements recorded that name a table of `tables`: those that read a whole one (a plan line
 * `SCAN <table>`), each as `<plan line>: <statement>`; every index they read; and each one's plan.
 */
export function scansOf(tables: string[]): { scans: string[]; indexes: Set<string>; plans: { source: string; plan: string[] }[] } {
  const scans: string[] = []
  const indexes = new Set<string>()
  const plans: { source: string; plan: string[] }[] = []
  for (const [source, db] of ran) {
    const named = tablesOf(source, tables)
    if (!named.size || !/^\s*(select|update|delete|insert)/i.test(source)) continue
    const plan = planOf(db, source)
    plans.push({ source, plan })
    for (const detail of plan) {
      for (const index of detail.matchAll(/USING (?:COVERING )?INDEX (\w+)/g)) indexes.add(index[1]!)
      const scanned = /^SCAN (\w+)/.exec(detail)?.[1]
      if (scanned && named.has(scanned)) scans.push(`${detail}: ${source}`)
    }
  }
  return { scans, indexes, plans }
}
