import { parseArgs } from 'node:util'
import { backup, restore } from '@bpkit/server'
import type { Command } from './command.js'

const backupHelp = `Usage: bpkit backup <file> [options]

Writes a consistent snapshot of a bpkit data folder to <file>, while the server keeps running: SQLite's
online backup of the database plus the bytes of every stored file, in one SQLite file. On PostgreSQL it
prints the pg_dump commands to use instead.

Options:
  --data-dir <dir>    data folder (BPKIT_DATA_DIR, default ./.bpkit)
  --database <url>    SQLite path or postgres:// URL (BPKIT_DATABASE_URL, default <data-dir>/bpkit.sqlite)
  -h, --help          show this help
`

const restoreHelp = `Usage: bpkit restore <file> [options]

Restores a backup made by \`bpkit backup\` into an empty data folder; start \`bpkit serve\` on it afterwards.

Options:
  --data-dir <dir>    data folder to restore into, which must be empty (BPKIT_DATA_DIR, default ./.bpkit)
  --database <path>   where the SQLite database goes (BPKIT_DATABASE_URL, default <data-dir>/bpkit.sqlite)
  -h, --help          show this help
`

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, database: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
}

export const backupCommand: Command = {
  name: 'backup',
  summary: 'snapshot a data folder (SQLite and file bytes) while the server runs',
  async run(args) {
    const { values, positionals } = parse(args)
    if (values.help || positionals.length !== 1) {
      process.stdout.write(backupHelp)
      return values.help ? 0 : 1
    }
    const summary = await backup(positionals[0]!, { dataDir: values['data-dir'], database: values.database })
    process.stdout.write(`bpkit: backup written to ${summary.file} (database ${summary.databaseBytes} bytes, ${summary.files} files of ${summary.fileBytes} bytes, taken at ${summary.takenAt})\n`)
    return 0
  },
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a backup into an empty data folder',
  async run(args) {
    const { values, positionals } = parse(args)
    if (values.help || positionals.length !== 1) {
      process.stdout.write(restoreHelp)
      return values.help ? 0 : 1
    }
    const { files } = restore(positionals[0]!, { dataDir: values['data-dir'], database: values.database })
    process.stdout.write(`bpkit: restored ${positionals[0]} (${files} files); start it with bpkit serve${values['data-dir'] ? ` --data-dir ${values['data-dir']}` : ''}\n`)
    return 0
  },
}
