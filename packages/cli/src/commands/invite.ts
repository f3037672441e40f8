import { parseArgs } from 'node:util'
import type { Command } from './command.js'
import { postWithToken } from './web-access.js'

const help = `Usage: bpkit invite <email> --workspace <id> --role <role> [--data-dir <dir>]

Makes <email> a member of the workspace with the role (viewer, billing, developer, manager, administrator, owner),
creating its account when the server has none, and prints a one-time invitation link (good for 7 days) that signs
that account in to the dashboard, where it can create its own personal access tokens. The caller (BP_TOKEN, else
the local server's first account) must be an owner or administrator of the workspace.
`

export const inviteCommand: Command = {
  name: 'invite',
  summary: 'invite a member by e-mail and print their one-time sign-in link',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { workspace: { type: 'string' }, role: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
    if (values.help) {
      process.stdout.write(help)
      return 0
    }
    const [email, ...extra] = positionals
    if (!email || extra.length || !values.workspace || !values.role) {
      process.stderr.write(`bpkit invite: give one <email>, --workspace <id> and --role <role>\n\n${help}`)
      return 1
    }
    const answer = await postWithToken(values['data-dir'], '/auth/invitations', { email, workspaceId: values.workspace, role: values.role })
    if (!answer.ok) return answer.code
    process.stdout.write(`${answer.value.url}\n`)
    process.stderr.write(`bpkit: ${email} is a ${values.role} of ${values.workspace}; the link signs them in once, until ${answer.value.expiresAt}\n`)
    return 0
  },
}
