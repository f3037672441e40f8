import type { Route, Routes } from '../table.js'
import { ApiPromise } from '../api-promise.js'
import { resolveConfig, type IdentityProps } from '../config.js'
import { listHelpers } from '../list.js'
import { retryPolicy } from '../retry.js'
import { Transport } from '../transport.js'
import type { AnyOperations, ClientConfig, CommonClientProps, ListHelpers, OperationMethods, RequestOptions } from '../types.js'

export const transportOf = Symbol('transport')

/** State every client shares: its resolved configuration and its transport. Operations come from `defineOperations`. */
export abstract class BaseClient {
  readonly config: Readonly<ClientConfig>
  /** @internal */
  readonly [transportOf]: Transport

  constructor(props: CommonClientProps & IdentityProps) {
    this.config = resolveConfig(props)
    this[transportOf] = new Transport(this.config, retryPolicy(props.retry), props.fetch)
  }
}

// One function per route, shared by every client whose API has the route (the sub-APIs reuse public routes).
const methods = new WeakMap<Route, (this: BaseClient, input?: object, options?: RequestOptions) => ApiPromise<unknown>>()

function methodFor(def: Route) {
  let method = methods.get(def)
  if (!method) {
    method = function (this: BaseClient, input?: object, options?: RequestOptions) {
      return new ApiPromise(this[transportOf].send(def, (input ?? {}) as Record<string, unknown>, options))
    }
    methods.set(def, method)
  }
  return method
}

/**
 * Puts a method per operation of the table, and the `list` helpers, between the client class and `BaseClient`.
 * They go on a fresh object that then joins the prototype chain: adding hundreds of properties to an object that
 * is already a prototype is slow in V8 and would cost milliseconds at import.
 */
function defineOperations(cls: abstract new (...args: never[]) => BaseClient, table: Routes): void {
  const operations = Object.create(Object.getPrototypeOf(cls.prototype)) as Record<string, unknown>
  for (const name in table) operations[name] = methodFor(table[name])
  Object.defineProperty(operations, 'list', {
    get(this: BaseClient) {
      return listHelpers(this as unknown as Record<string, unknown>, table)
    },
    configurable: true,
  })
  Object.setPrototypeOf(cls.prototype, operations)
}

/** An instance of the client of an API: its operations, its `list` helpers, its config. */
export type ApiClient<O extends AnyOperations<O>> = BaseClient & OperationMethods<O> & { readonly list: ListHelpers<O> }
export type ApiClientClass<O extends AnyOperations<O>, P> = Ctor<P, ApiClient<O>>
type Ctor<P, C> = new (...args: {} extends P ? [props?: P] : [props: P]) => C

/** The client class of an API, made from its operation table; its types come from the API's `Operations`. */
export function apiClient<O extends AnyOperations<O>, P extends CommonClientProps & IdentityProps>(table: Routes): Ctor<P, ApiClient<O>> {
  class Client extends BaseClient {
    constructor(props?: P) {
      super(props ?? {})
    }
  }
  defineOperations(Client, table)
  return Client as unknown as Ctor<P, ApiClient<O>>
}
