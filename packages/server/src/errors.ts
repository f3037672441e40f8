import { errorCatalogue, type ErrorType } from '@bpkit/spec'
import { newUlid } from './ids.js'

const statusByType = new Map<string, number>(errorCatalogue.map((e) => [e.type, e.status]))

/** A Botpress API error raised by a handler; the HTTP layer turns it into `{ id, code, type, message }`. */
export class ApiError extends Error {
  readonly code: number
  readonly id = `err_${newUlid()}`

  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message)
    this.code = statusByType.get(type) ?? 500
  }

  /** Whether `type` is one of the API's error types. */
  static isType(type: string): type is ErrorType {
    return statusByType.has(type)
  }

  toJSON() {
    return { id: this.id, code: this.code, type: this.type, message: this.message }
  }
}

export const notFound = (what: string, id: string) => new ApiError('ResourceNotFound', `${what} ${JSON.stringify(id)} doesn't exist`)
export const invalidPayload = (message: string) => new ApiError('InvalidPayload', message)
export const forbidden = (message: string) => new ApiError('Forbidden', message)
export const unauthorized = (message: string) => new ApiError('Unauthorized', message)
export const alreadyExists = (message: string) => new ApiError('AlreadyExists', message)
export const notSupported = (operation: string) =>
  new ApiError('MethodNotFound', `The operation "${operation}" is not supported by this bpkit server`)
