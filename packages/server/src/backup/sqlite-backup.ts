import Database from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

/**
 * Backups of an SQLite data folder, taken while the server runs. A backup is one SQLite file: a consistent
 * copy of the database (SQLite's online backup API, in one step, so concurrent writes cannot tear it) plus
 * two tables of its own: `bpkitBackupFiles` (the bytes of every file of the data folder: uploaded files,
 * credentials) and `bpkitBackupInfo`. Restoring writes the database and the files back into an empty data
 * folder and drops those two tables.
 */

export type BackupSummary = { file: string; databaseBytes: number; files: number; fileBytes: number; takenAt: string }

const FORMAT = 'bpkit-backup/1'
/** The database (whose copy the backup is), the backup being written and scratch space are not copied as files. */
function skipped(path: string, root: string, leave: string[]): boolean {
  if (leave.some((p) => path === p || path.startsWith(`${p}-`))) return true
  return relative(root, path).split(sep).includes('tmp')
}

function filesUnder(dir: string, root: string, leave: string[]): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    const stat = statSync(path, { throwIfNoEntry: false })
    if (!stat || skipped(path, root, leave)) return []
    return stat.isDirectory() ? filesUnder(path, root, leave) : stat.isFile() ? [path] : []
  })
}

/** Writes a backup of the SQLite `database` and the files of `dataDir` to `file` (which must not exist). */
export async function backupSqlite(options: { database: string; dataDir: string; file: string }): Promise<BackupSummary> {
  const database = resolve(options.database)
  const dataDir = resolve(options.dataDir)
  const file = resolve(options.file)
  if (!existsSync(database)) throw new Error(`No SQLite database at ${database}`)
  if (existsSync(file)) throw new Error(`${file} already exists; a backup never overwrites a file`)
  mkdirSync(dirname(file), { recursive: true })
  const takenAt = new Date().toISOString()
  const source = new Database(database, { fileMustExist: true })
  try {
    source.pragma('busy_timeout = 10000')
    // All pages in one step: the copy is one read transaction of the source, never restarted by a writer.
    await source.backup(file, { progress: () => 0x7fffffff })
  } finally {
    source.close()
  }
  const copy = new Database(file)
  try {
    copy.pragma('journal_mode = DELETE')
    copy.exec('CREATE TABLE "bpkitBackupFiles" ("path" TEXT PRIMARY KEY, "bytes" BLOB NOT NULL); CREATE TABLE "bpkitBackupInfo" ("key" TEXT PRIMARY KEY, "value" TEXT NOT NULL)')
    const insert = copy.prepare('INSERT INTO "bpkitBackupFiles" ("path", "bytes") VALUES (?, ?)')
    let files = 0
    let fileBytes = 0
    // File bytes after the database copy: every file the copy names was complete before it was taken.
    for (const path of filesUnder(dataDir, dataDir, [database, file])) {
      const bytes = readFileSync(path, { flag: 'r' })
      insert.run(relative(dataDir, path).split(sep).join('/'), bytes)
      files++
      fileBytes += bytes.length
    }
    const info = copy.prepare('INSERT INTO "bpkitBackupInfo" ("key", "value") VALUES (?, ?)')
    info.run('format', FORMAT)
    info.run('takenAt', takenAt)
    return { file, databaseBytes: statSync(file).size, files, fileBytes, takenAt }
  } finally {
    copy.close()
  }
}

/** Restores a backup into `dataDir`, which must be empty (or not exist), with the database at `database`. */
export function restoreSqlite(options: { file: string; dataDir: string; database: string }): { files: number } {
  const file = resolve(options.file)
  const dataDir = resolve(options.dataDir)
  const database = resolve(options.database)
  if (!existsSync(file)) throw new Error(`No backup at ${file}`)
  const present = existsSync(dataDir) ? readdirSync(dataDir) : []
  if (present.length || existsSync(database)) throw new Error(`${dataDir} is not empty: restore into an empty data folder`)
  const check = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const format = check.prepare('SELECT "value" FROM "bpkitBackupInfo" WHERE "key" = ?').pluck().get('format')
    if (format !== FORMAT) throw new Error(`${file} is not a bpkit backup (format ${String(format)})`)
  } catch (error) {
    check.close()
    throw error instanceof Error && /no such table/.test(error.message) ? new Error(`${file} is not a bpkit backup`) : error
  }
  mkdirSync(dataDir, { recursive: true })
  let files = 0
  try {
    for (const row of check.prepare('SELECT "path", "bytes" FROM "bpkitBackupFiles"').iterate() as Iterable<{ path: string; bytes: Buffer }>) {
      const target = resolve(dataDir, row.path)
      if (!target.startsWith(dataDir + sep)) throw new Error(`${file} names a file outside the data folder: ${row.path}`)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, row.bytes, { mode: row.path === 'credentials.json' ? 0o600 : 0o644 })
      files++
    }
  } finally {
    check.close()
  }
  mkdirSync(dirname(database), { recursive: true })
  copyFileSync(file, database)
  const restored = new Database(database)
  try {
    restored.exec('DROP TABLE "bpkitBackupFiles"; DROP TABLE "bpkitBackupInfo"; VACUUM')
    restored.pragma('journal_mode = WAL')
  } catch (error) {
    restored.close()
    rmSync(database, { force: true })
    throw error
  }
  restored.close()
  return { files }
}
