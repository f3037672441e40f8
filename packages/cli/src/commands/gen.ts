import { parseArgs } from 'node:util'
import { writeFile } from 'node:fs/promises'
import { Client, type Integration } from '@bpkit/client'
import { botTypeSource } from '../gen/bot-type.js'
import { clientProps, exitCodeOf } from './api-access.js'
import type { Command } from './command.js'

const help = `Usage: bpkit gen --bot <id> [--out <file.ts>] [--name <TypeName>] [--data-dir <dir>]

Reads a bot and the integrations installed on it from the server and writes its description as a
TypeScript type (states, events, actions, tags, and each integration by alias with its actions, channels,
messages, events, states and tags), for \`new BotSpecificClient<Bot>(client)\` from @bpkit/client/typed.
Prints to stdout unless --out is given.

Credentials as for \`bpkit call\`: BP_API_URL, BP_TOKEN, BP_WORKSPACE_ID from the environment, else the
local server's (--data-dir or BPKIT_DATA_DIR, default ./.bpkit).
`

/** The definitions of the bot's installed integrations, by alias. */
async function installedIntegrations(client: Client, installs: Record<string, { id: string }>): Promise<Record<string, Integration>> {
  const entries = await Promise.all(Object.entries(installs).map(async ([alias, { id }]) => [alias, (await client.getIntegration({ id })).integration] as const))
  return Object.fromEntries(entries)
}

export const genCommand: Command = {
  name: 'gen',
  summary: 'write the TypeScript description of a bot and its integrations, for BotSpecificClient',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        bot: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string', default: 'Bot' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help || !values.bot) {
      process.stdout.write(help)
      return values.help ? 0 : 1
    }
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(values.name)) throw new Error(`--name "${values.name}" is not a TypeScript identifier`)
    // Keys installs by alias on Botpress Cloud too (the bpkit server always does).
    const client = new Client({ ...clientProps(values['data-dir']), headers: { 'x-multiple-integrations': 'true' } })
    const botId = values.bot
    return exitCodeOf(async () => {
      const { bot } = await client.getBot({ id: botId })
      const source = botTypeSource(bot, await installedIntegrations(client, bot.integrations), values.name)
      if (values.out) await writeFile(values.out, source)
      else process.stdout.write(source)
    })
  },
}
