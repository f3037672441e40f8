import { resolve } from 'node:path'
import { isApiError } from '@bpkit/client'
import { readCredentials } from '@bpkit/server'

/** How the commands that call the API reach it: credentials, and what an API error makes of the exit code. */

/** Environment first (as `new Client()` reads it), then the local server's credentials file. */
export function clientProps(dataDir: string | undefined) {
  const saved = readCredentials(resolve(dataDir ?? process.env.BPKIT_DATA_DIR ?? '.bpkit'))
  const env = process.env
  const props = {
    apiUrl: env.BP_API_URL || saved?.apiUrl,
    token: env.BP_TOKEN || saved?.token,
    workspaceId: env.BP_WORKSPACE_ID || saved?.workspaceId,
    botId: env.BP_BOT_ID || saved?.botId,
    integrationId: env.BP_INTEGRATION_ID || undefined,
  }
  if (!props.token) throw new Error('no credentials: set BP_TOKEN (and BP_API_URL), or start a local server with `bpkit serve`')
  return props
}

export type ClientProps = ReturnType<typeof clientProps>

/** Runs `action`; an API error is printed as its type and message and exits with code 2. */
export async function exitCodeOf(action: () => Promise<void>): Promise<number> {
  try {
    await action()
    return 0
  } catch (error) {
    if (isApiError(error)) {
      process.stderr.write(`${error.type}: ${error.message}\n`)
      return 2
    }
    throw error
  }
}
