import { parseArgs } from 'node:util'
import { writeFile } from 'node:fs/promises'
import { Client, type Integration } from '@bpkit/client'
import { botTypeSource, integrationTypeSource } from '../gen/type-source.js'
import { clientProps, exitCodeOf } from './api-access.js'
import type { Command } from './command.js'

const help = `Usage: bpkit gen --bot <id> [--out <file.ts>] [--name <TypeName>] [--data-dir <dir>]
       bpkit gen --integration <id> [--out <file.ts>] [--name <TypeName>] [--data-dir <dir>]

--bot reads a bot and the integrations installed on it from the server and writes its description as a
TypeScript type (states, events, actions, tags, and each integration by alias with its actions, channels,
messages, events, states and tags), for \`new BotSpecificClient<Bot>(client)\` from @bpkit/client/typed.
--integration writes an integration's (its actions, channels and messages, events, states, entities and
user tags), for \`new IntegrationSpecificClient<Integration>(client)\`.
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
  summary: 'write the TypeScript description of a bot (BotSpecificClient) or an integration (IntegrationSpecificClient)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        bot: { type: 'string' },
        integration: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help || !values.bot === !values.integration) {
      process.stdout.write(help)
      return values.help ? 0 : 1
    }
    const typeName = values.name ?? (values.bot ? 'Bot' : 'Integration')
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(typeName)) throw new Error(`--name "${typeName}" is not a TypeScript identifier`)
    // Keys installs by alias on Botpress Cloud too (the bpkit server always does).
    const client = new Client({ ...clientProps(values['data-dir']), headers: { 'x-multiple-integrations': 'true' } })
    const { bot: botId, integration: integrationId } = values
    return exitCodeOf(async () => {
      let source: string
      if (botId) {
        const { bot } = await client.getBot({ id: botId })
        source = botTypeSource(bot, await installedIntegrations(client, bot.integrations), typeName)
      } else {
        source = integrationTypeSource((await client.getIntegration({ id: integrationId! })).integration, typeName)
      }
      if (values.out) await writeFile(values.out, source)
      else process.stdout.write(source)
    })
  },
}
