import { parseArgs } from 'node:util'
import { billingOperations, publicOperations } from '@bpkit/spec'
import { Client, billing } from '@bpkit/client'
import { clientProps, exitCodeOf, type ClientProps } from './api-access.js'
import type { Command } from './command.js'

const help = `Usage: bpkit call <operation> [json] [--json] [--data-dir <dir>]

Calls any operation of the Botpress API and prints its result as pretty JSON (raw with --json).
The input is a JSON object (the same shape the client method takes), given as an argument or on stdin.

Credentials: BP_API_URL, BP_TOKEN, BP_WORKSPACE_ID, BP_BOT_ID, BP_INTEGRATION_ID from the environment,
else those of the local server (\`bpkit env\`, read from --data-dir or BPKIT_DATA_DIR, default ./.bpkit).

Examples:
  bpkit call listConversations
  bpkit call createUser '{"tags":{}}'
  echo '{"id":"conv_…"}' | bpkit call getConversation

Operations (${Object.keys(publicOperations).length + Object.keys(billingOperations).length}):
`

type Invoker = (input: unknown) => Promise<unknown>

function operationList(): string {
  const names = [...Object.keys(publicOperations), ...Object.keys(billingOperations).map((n) => `${n} (billing)`)].sort()
  return names.map((n) => `  ${n}`).join('\n') + '\n'
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return ''
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseInput(text: string): Record<string, unknown> {
  if (!text.trim()) return {}
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    throw new Error(`the input is not valid JSON: ${(error as Error).message}`)
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error('the input must be a JSON object')
  return input as Record<string, unknown>
}

function invokerFor(operation: string, props: ClientProps): Invoker | undefined {
  if (operation in publicOperations) {
    const client = new Client(props) as unknown as Record<string, Invoker>
    return (input) => client[operation](input)
  }
  if (operation in billingOperations) {
    if (!props.workspaceId) throw new Error('billing operations need a workspace: set BP_WORKSPACE_ID')
    const client = new billing.Client({ ...props, token: props.token!, workspaceId: props.workspaceId }) as unknown as Record<string, Invoker>
    return (input) => client[operation](input)
  }
  return undefined
}

export const callCommand: Command = {
  name: 'call',
  summary: 'call any API operation with the credentials of the environment or the local server',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
    const [operation, inputText] = positionals
    if (values.help || !operation) {
      process.stdout.write(help + operationList())
      return values.help ? 0 : 1
    }
    const invoke = invokerFor(operation, clientProps(values['data-dir']))
    if (!invoke) {
      process.stderr.write(`bpkit: unknown operation "${operation}" (bpkit call --help lists them)\n`)
      return 1
    }
    const input = parseInput(inputText ?? (await readStdin()))
    return exitCodeOf(async () => {
      const output = await invoke(input)
      process.stdout.write((values.json ? JSON.stringify(output) : JSON.stringify(output, null, 2)) + '\n')
    })
  },
}
