import type { Client } from '../clients/public.js'
import type { RequestOptions } from '../types.js'
import { hookOf, type Hooks } from './hooks.js'
import type { SchemaRegistry } from './registry.js'
import { validator, type Validator } from './validate.js'

export type SpecificClientOptions<Op extends string, TDefinition> = {
  /** The definition with schemas the client's types come from; needed by `validate`. */
  definition?: TDefinition
  hooks?: Hooks<Op>
  /** Checks payloads against the definition's schemas before sending and after receiving. */
  validate?: boolean
}

type Invoke = (input?: object, options?: RequestOptions) => Promise<unknown>
type Call = (operation: string, input: object | undefined, options: RequestOptions | undefined) => Promise<unknown>

function caller(client: Client, hooks: Hooks<string>, check: Validator | undefined): Call {
  const methods = client as unknown as Record<string, Invoke>
  return async (operation, input, options) => {
    const before = hookOf(hooks, 'before', operation)
    const request = (before ? await before(input ?? {}) : (input ?? {})) as Record<string, unknown>
    check?.input(operation, request)
    const response = (await methods[operation]!.call(client, request, options)) as Record<string, unknown>
    check?.output(operation, request, response)
    const after = hookOf(hooks, 'after', operation)
    return after ? after(response, request) : response
  }
}

/**
 * The class of a typed client: one method per operation name, each sending through the wrapped `Client` with
 * the hooks and checks on the way. The narrowing is all in the types the caller gives the class.
 */
export function specificClient<TDefinition>(operations: readonly string[], registryOf: (definition: TDefinition) => SchemaRegistry) {
  return class SpecificClient {
    /** The wrapped client, for the operations the typed client does not narrow. */
    readonly _inner: Client
    readonly #call: Call

    constructor(client: Client, options: SpecificClientOptions<string, TDefinition> = {}) {
      if (options.validate && !options.definition) throw new Error('validate needs the definition with its schemas (options.definition)')
      this._inner = client
      this.#call = caller(client, options.hooks ?? {}, options.validate ? validator(registryOf(options.definition!)) : undefined)
    }

    static {
      for (const operation of operations) {
        Object.defineProperty(this.prototype, operation, {
          value(this: SpecificClient, input?: object, options?: RequestOptions) {
            return this.#call(operation, input, options)
          },
          writable: true,
          configurable: true,
        })
      }
    }
  }
}
