import { sql } from 'kysely'

/** A condition that `column` contains `term` as plain text (`%` and `_` in it are not wildcards), on both stores. */
export const contains = (column: string, term: string) =>
  sql<boolean>`${sql.ref(column)} like ${`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`
