/** How one operation travels over HTTP: the shape of every entry of the generated operation tables. */
export type OperationDefinition = {
  readonly method: 'get' | 'post' | 'put' | 'delete' | 'patch'
  /** Express-like template with `{name}` path parameters, e.g. `/v1/chat/conversations/{id}`. */
  readonly path: string
  /** Status of a successful response. */
  readonly status: number
  /** Input fields sent in the query string. */
  readonly query?: readonly string[]
  /** Input fields sent as headers (by their header name). */
  readonly headers?: readonly string[]
  /** Input fields sent in the JSON body; absent when the operation takes no body. */
  readonly body?: readonly string[]
  /** Repeating the request cannot duplicate a write, so a transport may retry it. */
  readonly retrySafe?: true
}

export type OperationTable = Record<string, OperationDefinition>

/** Names of the `{param}` placeholders of a path template, in order. */
export const pathParameters = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
