import type { Route } from './table.js'
import { fromErrorBody, httpError, networkError, OperationTimeoutError, UnknownError, type ApiError } from './errors.js'
import { logFailure, logRequest, logResponse, nextRequestNumber } from './log.js'
import { operationHeaders, requestBody, requestUrl } from './request.js'
import type { RetryPolicy } from './retry.js'
import type { ClientConfig, RequestOptions, ResponseInfo } from './types.js'

export type Exchange = { data: unknown; response: ResponseInfo }

const responseInfo = (res: Response): ResponseInfo => ({
  status: res.status,
  headers: res.headers,
  requestId: res.headers.get('x-request-id') ?? res.headers.get('x-amzn-requestid') ?? undefined,
})

const lowerCaseHeaders = (headers: Record<string, string | string[]>, into: Record<string, string> = {}) => {
  for (const [name, value] of Object.entries(headers)) into[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  return into
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop)
      resolve()
    }, ms)
    signal.addEventListener('abort', stop, { once: true })
  })

/** The one request path: URL and body from the operation table, timeout, cancellation, retries, errors, debug log. */
export class Transport {
  private readonly headers: Record<string, string>
  private readonly apiUrl: string

  constructor(
    readonly config: ClientConfig,
    private readonly retry: RetryPolicy | undefined,
    private readonly fetchImpl: typeof fetch | undefined,
  ) {
    this.headers = lowerCaseHeaders(config.headers)
    this.apiUrl = config.apiUrl.replace(/\/+$/, '')
  }

  /** A bare `fetch` with the client's `fetch`, for requests outside the API (file uploads and downloads). */
  fetch(url: string, init?: RequestInit): Promise<Response> {
    const f = this.fetchImpl ?? fetch
    return f(url, init)
  }

  async send(def: Route, input: Record<string, unknown>, options?: RequestOptions): Promise<Exchange> {
    const method = def.method.toUpperCase()
    const url = requestUrl(this.apiUrl, def, input)
    const body = requestBody(def, input)
    const headers = this.requestHeaders(def, input, body !== undefined, options)

    const timeout = options?.timeout ?? this.config.timeout
    const deadline = Date.now() + timeout
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeout)
    const outer = options?.signal
    const forwardAbort = () => controller.abort(outer!.reason)
    if (outer?.aborted) controller.abort(outer.reason)
    else outer?.addEventListener('abort', forwardAbort, { once: true })
    const init: RequestInit = { method, headers, body, signal: controller.signal }
    if (this.config.withCredentials) init.credentials = 'include'

    // Cancellation and time-out end the call whatever stage it is in, a retry wait included.
    const stopped = (reason: unknown): ApiError =>
      outer?.aborted
        ? new UnknownError(`Request aborted: ${method} ${url}`, reason instanceof Error ? reason : undefined)
        : new OperationTimeoutError(`Request timed out after ${timeout} ms: ${method} ${url}`)

    try {
      for (let attempt = 0; ; attempt++) {
        const outcome = await this.attempt(method, url, headers, init)
        if (!(outcome instanceof Error)) return outcome
        const error = outcome
        if (controller.signal.aborted) throw stopped(error.error)
        if (!this.retry || attempt >= this.retry.retries || !(await this.retry.shouldRetry(error, def.retrySafe === true))) throw error
        const delay = this.retry.delay(attempt + 1, error)
        if (Date.now() + delay >= deadline) throw error
        await sleep(delay, controller.signal).catch((reason) => {
          throw stopped(reason)
        })
      }
    } finally {
      clearTimeout(timer)
      outer?.removeEventListener('abort', forwardAbort)
    }
  }

  /** The client's headers, shared as they are when the call adds none (the common case, kept allocation-free). */
  private requestHeaders(def: Route, input: Record<string, unknown>, json: boolean, options?: RequestOptions): Record<string, string> {
    if (!json && !def.headers && !options?.headers) return this.headers
    const headers = { ...this.headers }
    if (json) headers['content-type'] = 'application/json'
    operationHeaders(def, input, headers)
    if (options?.headers) lowerCaseHeaders(options.headers, headers)
    return headers
  }

  /** One HTTP exchange: the parsed result, or the error it amounts to (never throws). */
  private async attempt(method: string, url: string, headers: Record<string, string>, init: RequestInit): Promise<Exchange | ApiError> {
    const debug = this.config.debug
    const n = debug ? nextRequestNumber() : 0
    const started = debug ? Date.now() : 0
    if (debug) logRequest(n, method, url, headers, init.body as string | undefined)
    let res: Response
    let text: string
    try {
      res = await this.fetch(url, init)
      text = await res.text()
    } catch (thrown) {
      const error = networkError(thrown instanceof Error ? thrown : new Error(String(thrown)), `${method} ${url}`)
      if (debug) logFailure(n, method, url, started, error.message)
      return error
    }
    const response = responseInfo(res)
    if (debug) logResponse(n, method, url, started, res.status, response.requestId, text)
    let data: unknown
    try {
      data = text ? JSON.parse(text) : {}
    } catch {
      data = undefined
    }
    if (res.ok && data !== undefined) return { data, response }
    const error = res.ok
      ? new UnknownError(`Invalid JSON in the ${res.status} response to ${method} ${url}`)
      : (fromErrorBody(data) ?? httpError(res.status, res.statusText, `${method} ${url}`, text))
    error.response = response
    return error
  }
}
