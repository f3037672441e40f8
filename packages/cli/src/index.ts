#!/usr/bin/env node
import { commands, printHelp } from './commands/index.js'

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp()
    return name ? 0 : 1
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    process.stderr.write(`bpkit: unknown command "${name}"\n\n`)
    printHelp()
    return 1
  }
  return command.run(args)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`bpkit: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
