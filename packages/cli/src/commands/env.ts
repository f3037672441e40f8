import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { exportLines, readCredentials, credentialsPath } from '@bpkit/server'
import type { Command } from './command.js'

const help = `Usage: bpkit env [--data-dir <dir>]

Prints the export lines (BP_API_URL, BP_TOKEN, BP_WORKSPACE_ID, BP_BOT_ID, BP_WORKSPACE_HANDLE, BP_WEBHOOK_URL) of the server's first account,
so that \`eval "$(npx bpkit env)"\` lets \`new Client()\` work with no arguments.
`

export const envCommand: Command = {
  name: 'env',
  summary: 'print the BP_* variables of the local server\'s first account',
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help) {
      process.stdout.write(help)
      return 0
    }
    const dataDir = resolve(values['data-dir'] ?? (process.env.BPKIT_DATA_DIR || '.bpkit'))
    const credentials = readCredentials(dataDir)
    if (!credentials) {
      process.stderr.write(`bpkit: no credentials in ${credentialsPath(dataDir)}: start the server once with \`bpkit serve\`\n`)
      return 1
    }
    process.stdout.write(exportLines(credentials) + '\n')
    return 0
  },
}
