import publicSchemas from './gen/schemas/public.json' with { type: 'json' }
import runtimeSchemas from './gen/schemas/runtime.json' with { type: 'json' }
import adminSchemas from './gen/schemas/admin.json' with { type: 'json' }
import filesSchemas from './gen/schemas/files.json' with { type: 'json' }
import tablesSchemas from './gen/schemas/tables.json' with { type: 'json' }
import billingSchemas from './gen/schemas/billing.json' with { type: 'json' }

/** A JSON schema (draft-07 / OpenAPI 3.0 flavour, `$ref`s point at `#/components/schemas/<Model>`). */
export type JsonSchema = Record<string, any>

export type OperationSchemas = {
  path?: JsonSchema
  query?: JsonSchema
  /** Header names are lower-case. */
  headers?: JsonSchema
  body?: JsonSchema
  response: JsonSchema
}

export type ApiSchemas = {
  components: { schemas: Record<string, JsonSchema> }
  operations: Record<string, OperationSchemas>
}

/** Validation schemas of every API, kept in their own entry point so that the client never loads them. */
export const apiSchemas = {
  public: publicSchemas as ApiSchemas,
  runtime: runtimeSchemas as ApiSchemas,
  admin: adminSchemas as ApiSchemas,
  files: filesSchemas as ApiSchemas,
  tables: tablesSchemas as ApiSchemas,
  billing: billingSchemas as ApiSchemas,
}
