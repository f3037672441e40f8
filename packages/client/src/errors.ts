import { errorCatalogue, type ErrorType } from '@bpkit/spec'
import type { PublicApi } from '@bpkit/spec'
import type { ResponseInfo } from './types.js'

export type { ErrorType }
type Entry<T extends ErrorType> = Extract<(typeof errorCatalogue)[number], { type: T }>

const randomHex = (bytes: number): string => {
  const values = new Uint8Array(bytes)
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(values)
  else for (let i = 0; i < bytes; i++) values[i] = Math.floor(Math.random() * 256)
  return Array.from(values, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()
}

/** Every API error: one subclass per type of the spec's catalogue. */
export abstract class BaseApiError<T extends ErrorType = ErrorType> extends Error {
  readonly isApiError = true
  readonly id: string
  /** HTTP status of the error type (`ResourceNotFound` → 404). */
  readonly code: Entry<T>['status']
  readonly type: T
  readonly description: Entry<T>['description']
  /** The HTTP exchange that failed, when a response arrived (not in the official client). */
  response?: ResponseInfo

  constructor(
    type: T,
    message: string,
    readonly error?: Error,
    id?: string,
    readonly metadata?: Record<string, unknown>,
  ) {
    super(message)
    const entry = errorCatalogue.find((e) => e.type === type)!
    this.type = type
    this.code = entry.status as Entry<T>['status']
    this.description = entry.description as Entry<T>['description']
    this.id = id || BaseApiError.generateId()
  }

  format(): string {
    return `[${this.type}] ${this.message} (Error ID: ${this.id})`
  }

  toJSON() {
    return { id: this.id, code: this.code, type: this.type, message: this.message, metadata: this.metadata }
  }

  /** `err_<UTC timestamp>x<8 hex>`, `err_bwsr_…` in a browser: the official client's format. */
  static generateId(): string {
    const prefix = typeof window !== 'undefined' && typeof document !== 'undefined' ? 'err_bwsr' : 'err'
    const time = new Date().toISOString().replace(/[-:TZ]/g, '').split('.')[0]
    return `${prefix}_${time}x${randomHex(4)}`
  }
}

export type ApiErrorClass<T extends ErrorType> = {
  new (message: string, error?: Error, id?: string, metadata?: Record<string, unknown>): BaseApiError<T>
  prototype: BaseApiError<T>
}
export type ApiError = { [T in ErrorType]: BaseApiError<T> }[ErrorType]

const errorClasses = {} as { [T in ErrorType]: ApiErrorClass<T> }
for (const { type } of errorCatalogue) {
  const name = `${type}Error`
  const cls = class extends BaseApiError {
    constructor(message: string, error?: Error, id?: string, metadata?: Record<string, unknown>) {
      super(type, message, error, id, metadata)
    }
  }
  // Names survive minification, and stack traces read `ResourceNotFoundError: …`.
  Object.defineProperty(cls, 'name', { value: name })
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true })
  ;(errorClasses as Record<string, unknown>)[type] = cls
}

export const UnknownError = errorClasses.Unknown
export type UnknownError = BaseApiError<'Unknown'>
export const InternalError = errorClasses.Internal
export type InternalError = BaseApiError<'Internal'>
export const UnauthorizedError = errorClasses.Unauthorized
export type UnauthorizedError = BaseApiError<'Unauthorized'>
export const ForbiddenError = errorClasses.Forbidden
export type ForbiddenError = BaseApiError<'Forbidden'>
export const PayloadTooLargeError = errorClasses.PayloadTooLarge
export type PayloadTooLargeError = BaseApiError<'PayloadTooLarge'>
export const InvalidPayloadError = errorClasses.InvalidPayload
export type InvalidPayloadError = BaseApiError<'InvalidPayload'>
export const UnsupportedMediaTypeError = errorClasses.UnsupportedMediaType
export type UnsupportedMediaTypeError = BaseApiError<'UnsupportedMediaType'>
export const MethodNotFoundError = errorClasses.MethodNotFound
export type MethodNotFoundError = BaseApiError<'MethodNotFound'>
export const ResourceNotFoundError = errorClasses.ResourceNotFound
export type ResourceNotFoundError = BaseApiError<'ResourceNotFound'>
export const InvalidJsonSchemaError = errorClasses.InvalidJsonSchema
export type InvalidJsonSchemaError = BaseApiError<'InvalidJsonSchema'>
export const InvalidDataFormatError = errorClasses.InvalidDataFormat
export type InvalidDataFormatError = BaseApiError<'InvalidDataFormat'>
export const InvalidIdentifierError = errorClasses.InvalidIdentifier
export type InvalidIdentifierError = BaseApiError<'InvalidIdentifier'>
export const RelationConflictError = errorClasses.RelationConflict
export type RelationConflictError = BaseApiError<'RelationConflict'>
export const ReferenceConstraintError = errorClasses.ReferenceConstraint
export type ReferenceConstraintError = BaseApiError<'ReferenceConstraint'>
export const ResourceLockedConflictError = errorClasses.ResourceLockedConflict
export type ResourceLockedConflictError = BaseApiError<'ResourceLockedConflict'>
export const ResourceGoneError = errorClasses.ResourceGone
export type ResourceGoneError = BaseApiError<'ResourceGone'>
export const ReferenceNotFoundError = errorClasses.ReferenceNotFound
export type ReferenceNotFoundError = BaseApiError<'ReferenceNotFound'>
export const InvalidQueryError = errorClasses.InvalidQuery
export type InvalidQueryError = BaseApiError<'InvalidQuery'>
export const RuntimeError = errorClasses.Runtime
export type RuntimeError = BaseApiError<'Runtime'>
export const AlreadyExistsError = errorClasses.AlreadyExists
export type AlreadyExistsError = BaseApiError<'AlreadyExists'>
export const RateLimitedError = errorClasses.RateLimited
export type RateLimitedError = BaseApiError<'RateLimited'>
export const PaymentRequiredError = errorClasses.PaymentRequired
export type PaymentRequiredError = BaseApiError<'PaymentRequired'>
export const QuotaExceededError = errorClasses.QuotaExceeded
export type QuotaExceededError = BaseApiError<'QuotaExceeded'>
export const LimitExceededError = errorClasses.LimitExceeded
export type LimitExceededError = BaseApiError<'LimitExceeded'>
export const BreakingChangesError = errorClasses.BreakingChanges
export type BreakingChangesError = BaseApiError<'BreakingChanges'>
export const OperationTimeoutError = errorClasses.OperationTimeout
export type OperationTimeoutError = BaseApiError<'OperationTimeout'>

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const isApiError = (thrown: unknown): thrown is ApiError =>
  thrown instanceof BaseApiError || (isObject(thrown) && thrown.isApiError === true)

/** The error a Botpress error body (`{ id, code, type, message }`) describes, if it is one. */
export function fromErrorBody(body: unknown): ApiError | undefined {
  if (!isObject(body) || typeof body.type !== 'string' || typeof body.message !== 'string') return undefined
  const id = typeof body.id === 'string' ? body.id : undefined
  const metadata = isObject(body.metadata) ? body.metadata : undefined
  const cls = errorClasses[body.type as ErrorType] as ApiErrorClass<ErrorType> | undefined
  if (cls) return new cls(body.message, undefined, id, metadata) as ApiError
  return new UnknownError(`An unclassified API error occurred: ${body.message} (Type: ${body.type}, Code: ${body.code})`, undefined, id, metadata)
}

/**
 * An HTTP failure without a Botpress body (a proxy's error page): the first specific catalogue type with that status
 * (404 → `ResourceNotFound`, 500 → `Internal`), else `Unknown`; the message says the status and where.
 */
export function httpError(status: number, statusText: string, where: string, body = ''): ApiError {
  const type = errorCatalogue.find((e) => e.status === status && e.type !== 'Unknown')?.type ?? 'Unknown'
  const message = `HTTP ${status}${statusText ? ` ${statusText}` : ''} on ${where}${body ? `: ${body.slice(0, 200)}` : ''}`
  return new errorClasses[type](message) as ApiError
}

/** A request that got no response. `fetch` rejects with a TypeError then; Node's says why in its `cause`. */
export function networkError(cause: Error, where: string): ApiError {
  return new UnknownError(`Network error on ${where}: ${(cause.cause as Error | undefined)?.message ?? cause.message}`, cause)
}

const isNetworkFailure = (error: Error) =>
  error instanceof TypeError && (error.cause !== undefined || /fetch|network|load failed/i.test(error.message))

/**
 * Turns anything thrown into an `ApiError`: API errors as they are, Botpress error bodies by their type, a failed
 * fetch `Response` by its status, a timed-out signal as `OperationTimeoutError`, a network failure and anything
 * else as `UnknownError`.
 */
export function errorFrom(thrown: unknown): ApiError {
  if (isApiError(thrown)) return thrown
  if (typeof Response !== 'undefined' && thrown instanceof Response) return httpError(thrown.status, thrown.statusText, thrown.url || 'a request')
  if (thrown instanceof Error) {
    if (thrown.name === 'TimeoutError') return new OperationTimeoutError(`Request timed out: ${thrown.message}`, thrown)
    if (isNetworkFailure(thrown)) return networkError(thrown, 'a request')
    return new UnknownError(thrown.message, thrown)
  }
  if (typeof thrown === 'string') return new UnknownError(thrown)
  return fromErrorBody(thrown) ?? new UnknownError(`An invalid error occurred: ${JSON.stringify(thrown)}`)
}

/** `uploadFile` failures: bad input, a failed download, or a failed upload of the bytes (then `file` is set). */
export class UploadFileError extends Error {
  constructor(
    message: string,
    readonly innerError?: Error,
    readonly file?: PublicApi.UpsertFileResponse['file'],
  ) {
    super(message)
    // The official client names it so; kept for code that matches on `name`.
    this.name = 'FileUploadError'
  }
}
