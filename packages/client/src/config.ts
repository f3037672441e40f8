import type { ClientConfig, CommonClientProps } from './types.js'

export const defaultApiUrl = 'https://api.botpress.cloud'
export const defaultTimeout = 60_000

/** Every identity a client may carry; each client's props type narrows it. */
export type IdentityProps = {
  token?: string
  workspaceId?: string
  botId?: string
  integrationId?: string
  integrationAlias?: string
}

const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'

// `process` does not exist in browsers; there the official client ignores the environment too.
const env = (name: string): string | undefined =>
  !isBrowser && typeof process !== 'undefined' ? process.env?.[name] : undefined

/** Props first, then `BP_*` variables, then defaults: the official client's order. */
export function resolveConfig(props: CommonClientProps & IdentityProps): ClientConfig {
  const token = props.token ?? env('BP_TOKEN')
  const identity: Record<string, string | undefined> = {
    'x-workspace-id': props.workspaceId ?? env('BP_WORKSPACE_ID'),
    'x-bot-id': props.botId ?? env('BP_BOT_ID'),
    'x-integration-id': props.integrationId ?? env('BP_INTEGRATION_ID'),
    'x-integration-alias': props.integrationAlias,
    Authorization: token && `Bearer ${token}`,
  }
  const headers: ClientConfig['headers'] = {}
  for (const [name, value] of Object.entries(identity)) if (value) headers[name] = value
  return {
    apiUrl: props.apiUrl ?? env('BP_API_URL') ?? defaultApiUrl,
    timeout: props.timeout ?? defaultTimeout,
    withCredentials: isBrowser,
    headers: { ...headers, ...props.headers },
    debug: props.debug ?? false,
  }
}
