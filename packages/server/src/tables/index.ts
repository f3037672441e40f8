import type { Kysely } from 'kysely'
import type { Section } from '../handlers.js'
import type { Services } from '../context.js'
import { dialectFor } from './dialect.js'
import { jobHandlers } from './jobs.js'
import { rowHandlers } from './rows.js'
import { dropOrphanRowsTables } from './storage.js'
import { tableHandlers } from './table-handlers.js'

// A deleted bot takes its tables' definitions along by cascade; their rows tables go here.
const dropRowsTablesOfDeletedBots = async (services: Services) =>
  void (await dropOrphanRowsTables(services.store.db as unknown as Kysely<any>, dialectFor(services.store.dialect)))

export const tablesSection: Section = {
  name: 'tables',
  handlers: { ...tableHandlers, ...rowHandlers, ...jobHandlers },
  onBotsDeleted: dropRowsTablesOfDeletedBots,
  sweep: dropRowsTablesOfDeletedBots,
}
