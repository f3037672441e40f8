import type { Exchange } from './transport.js'
import type { ResponseInfo } from './types.js'

export type WithResponse<T> = { data: T; response: ResponseInfo }

/**
 * What every operation returns: a promise of the typed result that can also give the HTTP exchange,
 * `await client.getBot({ id }).withResponse()` → `{ data, response: { status, headers, requestId } }`.
 */
export class ApiPromise<T> extends Promise<T> {
  readonly #exchange: Promise<Exchange>
  #data: Promise<T> | undefined

  constructor(exchange: Promise<Exchange>) {
    super((resolve) => resolve(undefined as T))
    this.#exchange = exchange
  }

  // Promise methods build plain promises, never instances of this subclass.
  static override get [Symbol.species]() {
    return Promise
  }

  withResponse(): Promise<WithResponse<T>> {
    return this.#exchange as Promise<WithResponse<T>>
  }

  // The data promise is made on first use, so a caller of withResponse() alone leaves no unhandled rejection.
  #result(): Promise<T> {
    return (this.#data ??= this.#exchange.then((e) => e.data as T))
  }

  // Rejection reasons are `any`, as on Promise itself, so code written for the official client compiles unchanged.
  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#result().then(onfulfilled, onrejected)
  }

  override catch<B = never>(onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.#result().catch(onrejected)
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#result().finally(onfinally)
  }
}
