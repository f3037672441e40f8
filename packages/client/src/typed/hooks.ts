import type { ClientInputs, ClientOutputs } from '../clients/public.js'

type Awaitable<T> = T | Promise<T>

/**
 * Functions run around an operation of a typed client, as the Botpress SDK's client hooks: `before` gets the
 * input and returns the one to send, `after` gets the output (and the input sent) and returns the one to give
 * back. They see the API's own types, so one hook fits every bot.
 */
export type Hooks<Op extends string> = {
  before?: { [K in Op & keyof ClientInputs]?: (input: ClientInputs[K]) => Awaitable<ClientInputs[K]> }
  after?: { [K in Op & keyof ClientOutputs]?: (output: ClientOutputs[K], input: ClientInputs[K]) => Awaitable<ClientOutputs[K]> }
}

type AnyHook = (value: unknown, input?: unknown) => Awaitable<unknown>

export function hookOf(hooks: Hooks<string>, stage: 'before' | 'after', operation: string): AnyHook | undefined {
  return (hooks[stage] as Record<string, AnyHook> | undefined)?.[operation]
}
