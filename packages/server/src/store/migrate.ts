import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as core from './migrations/001_core.js'
import * as tables from '../tables/migration.js'
import * as chat from '../chat/migration.js'
import * as files from '../files/migration.js'
import * as integrations from '../integrations/migration.js'
import * as admin from '../admin/migration.js'
import * as members from '../members/migration.js'
import * as bots from '../bots/migration.js'
import * as usage from '../usage/migration.js'
import * as logBatches from './migrations/010_log_batches.js'
import * as accountUuids from './migrations/011_account_uuids.js'
import * as runtime from '../runtime/migration.js'
import * as web from '../web/migration.js'
import * as crashingCode from '../runtime/deployed/migration.js'
import * as waitingIndexes from './migrations/015_waiting_indexes.js'
import * as tagIndex from './migrations/016_tag_index.js'

/**
 * The one migration set, in order. Each section keeps its migration next to its code; a new migration is
 * a new entry here, never an edit of one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '001_core': core,
  '002_chat': chat,
  '003_files': files,
  '004_tables': tables,
  '005_admin': admin,
  '006_integrations': integrations,
  '007_members': members,
  '008_bots': bots,
  '009_usage': usage,
  '010_log_batches': logBatches,
  '011_account_uuids': accountUuids,
  '012_runtime': runtime,
  '013_web': web,
  '014_crashing_code': crashingCode,
  '015_waiting_indexes': waitingIndexes,
  '016_tag_index': tagIndex,
}

/** Every migration of bpkit's schema, by name (exported for the tests of a migration). */
export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations }

/** `schema` (PostgreSQL): bpkit's schema, where Kysely keeps its own bookkeeping tables too. */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema }).migrateToLatest()
  if (!error) return
  const failed = results?.find((r) => r.status === 'Error')
  throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`)
}
