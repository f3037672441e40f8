import type { ApiError } from './errors.js'
import type { ApiPromise } from './api-promise.js'
import type { AsyncCollection } from './list.js'

/** Extra headers, as in the official client: a header may repeat. */
export type Headers = Record<string, string | string[]>

export type RetryConfig = {
  /** Retries after the first attempt. Default 2. */
  retries?: number
  /** Decides whether a failure is retried. Replaces the default, which only retries retry-safe operations. */
  retryCondition?: (error: ApiError) => boolean | Promise<boolean>
  /** Milliseconds to wait before retry number `retryCount` (1-based). Replaces the default backoff. */
  retryDelay?: (retryCount: number, error: ApiError) => number
  /** Upper bound of any wait, including one asked by `Retry-After`. Default 60 000 ms. */
  maxDelay?: number
}

export type CommonClientProps = {
  apiUrl?: string
  timeout?: number
  headers?: Headers
  /** Retry policy; `false` turns retries off. */
  retry?: RetryConfig | false
  debug?: boolean
  /** The `fetch` to send requests with; defaults to the global one. */
  fetch?: typeof fetch
}

/** Props of the clients that act for one bot (runtime, files, tables), as the official ones take them. */
export type BotClientProps = CommonClientProps & { token: string; botId: string; integrationId?: string; integrationAlias?: string }

export type ClientConfig = {
  apiUrl: string
  headers: Headers
  withCredentials: boolean
  timeout: number
  debug: boolean
}

/** Per-call options, the second argument of every operation. */
export type RequestOptions = {
  /** Milliseconds for this call, retries included. Overrides the client's `timeout`. */
  timeout?: number
  signal?: AbortSignal
  headers?: Record<string, string>
}

/** What `withResponse()` tells about the HTTP exchange. */
export type ResponseInfo = {
  status: number
  headers: globalThis.Headers
  /** The server's request id (`x-request-id`, or `x-amzn-requestid`), when it sends one. */
  requestId: string | undefined
}

/** The shape of an API's generated `Operations` interface. */
export type AnyOperations<O = any> = { [K in keyof O]: { input: any; output: any } }
type Args<I> = {} extends I ? [input?: I, options?: RequestOptions] : [input: I, options?: RequestOptions]

/** One method per operation of an API's `Operations` interface. */
export type OperationMethods<O extends AnyOperations<O>> = {
  [K in keyof O]: (...args: Args<O[K]['input']>) => ApiPromise<O[K]['output']>
}

type PageItem<Out> = { [K in keyof Out]: Out[K] extends readonly (infer E)[] ? E : never }[keyof Out]

/** `client.list.<resource>` for every `list<Resource>` operation that pages with `nextToken`. */
export type ListHelpers<O extends AnyOperations<O>> = {
  [K in keyof O as K extends `list${infer R}` ? ('nextToken' extends keyof O[K]['input'] ? Uncapitalize<R> : never) : never]: (
    ...args: Args<Omit<O[K]['input'], 'nextToken'>>
  ) => AsyncCollection<PageItem<O[K]['output']>>
}

type MethodsOf<C> = { [K in keyof C as C[K] extends (...args: any[]) => PromiseLike<any> ? K : never]: C[K] }
export type OperationOf<C> = keyof MethodsOf<C> & string
export type InputsOf<C> = { [K in OperationOf<C>]: C[K] extends (input: infer I, ...rest: any[]) => any ? NonNullable<I> : never }
export type OutputsOf<C> = { [K in OperationOf<C>]: C[K] extends (...args: any[]) => PromiseLike<infer R> ? R : never }
