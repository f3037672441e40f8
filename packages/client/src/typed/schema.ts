/** One problem a schema found: where (`path`) and what. zod 3's `ZodIssue` has this shape. */
export type SchemaIssue = { readonly path: readonly PropertyKey[]; readonly message: string }

/**
 * A run-time schema, accepted structurally so that the client depends on no schema library: zod 3 schemas
 * (and anything with the same surface) fit. `_output` only carries the type of the valid data.
 */
export type Schema<T = unknown> = {
  readonly _output: T
  safeParse(data: unknown): { success: true } | { success: false; error: { readonly issues: readonly SchemaIssue[] } }
}

/** The type of the data a schema accepts, as `z.infer` gives it. */
export type Infer<S> = S extends { readonly _output: infer T } ? T : never
