import type { Command } from './command.js'
import { serveCommand } from './serve.js'
import { envCommand } from './env.js'
import { callCommand } from './call.js'
import { genCommand } from './gen.js'
import { openCommand } from './open.js'
import { inviteCommand } from './invite.js'

export const commands: Command[] = [serveCommand, envCommand, callCommand, genCommand, openCommand, inviteCommand]

export function printHelp(): void {
  const width = Math.max(...commands.map((c) => c.name.length))
  process.stdout.write(
    [
      'Usage: bpkit <command> [options]',
      '',
      'Commands:',
      ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      '',
      'Run `bpkit <command> --help` for a command\'s options.',
      '',
    ].join('\n'),
  )
}
