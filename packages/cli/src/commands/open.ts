import { parseArgs } from 'node:util'
import type { Command } from './command.js'
import { openInBrowser, postWithToken } from './web-access.js'

const help = `Usage: bpkit open [--no-browser] [--data-dir <dir>]

Prints a fresh one-time link that signs the local server's first account in to the dashboard (good for 10 minutes,
once), and opens it in the browser when there is one.

Credentials: BP_API_URL and BP_TOKEN from the environment, else the local server's (\`bpkit env\`).
`

export const openCommand: Command = {
  name: 'open',
  summary: 'print (and open) a one-time sign-in link to the dashboard',
  async run(args) {
    const { values } = parseArgs({ args, options: { 'no-browser': { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help) {
      process.stdout.write(help)
      return 0
    }
    const answer = await postWithToken(values['data-dir'], '/auth/sign-in-links')
    if (!answer.ok) return answer.code
    process.stdout.write(`${answer.value.url}\n`)
    process.stderr.write(`bpkit: a one-time sign-in link, good until ${answer.value.expiresAt}\n`)
    if (!values['no-browser']) openInBrowser(answer.value.url)
    return 0
  },
}
