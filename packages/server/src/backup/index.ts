import { resolveConfig, type ServerOptions } from '../config.js'
import { isPostgresUrl } from '../store/store.js'
import { backupSqlite, restoreSqlite, type BackupSummary } from './sqlite-backup.js'

export type { BackupSummary }

/** What to do instead on PostgreSQL, where the database server owns the data. */
export function postgresBackupGuidance(dataDir: string): string {
  return [
    'This server stores its data in PostgreSQL: back it up with PostgreSQL\'s own tools, and copy the file bytes:',
    '  pg_dump --format=custom --file=bpkit.dump "$BPKIT_DATABASE_URL"      # add --schema=<schema> if not public',
    `  tar -czf bpkit-files.tar.gz -C ${JSON.stringify(dataDir)} files credentials.json`,
    'Restore with pg_restore --clean --dbname="$BPKIT_DATABASE_URL" bpkit.dump and untar into the data folder.',
  ].join('\n')
}

/** `bpkit backup`: a consistent snapshot of the configured store and data folder, taken while the server may run. */
export async function backup(file: string, options: Pick<ServerOptions, 'dataDir' | 'database'> = {}): Promise<BackupSummary> {
  const config = resolveConfig(options)
  if (isPostgresUrl(config.database)) throw new Error(postgresBackupGuidance(config.dataDir))
  return backupSqlite({ database: config.database, dataDir: config.dataDir, file })
}

/** `bpkit restore`: a backup into an empty data folder (the server must not be running on it). */
export function restore(file: string, options: Pick<ServerOptions, 'dataDir' | 'database'> = {}): { files: number } {
  const config = resolveConfig(options)
  if (isPostgresUrl(config.database)) throw new Error(postgresBackupGuidance(config.dataDir))
  return restoreSqlite({ file, dataDir: config.dataDir, database: config.database })
}
