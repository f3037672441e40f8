import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { PublicApi } from '@bpkit/spec'
import { invalidPayload } from '../errors.js'

// ajv-formats ships CJS with a default export; under ESM interop it can arrive wrapped once more.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv

export type TableSchema = PublicApi.Table['schema']
type Property = TableSchema['properties'][string]

/** How a column's values are stored and compared: `date` is an ISO 8601 string column. */
export type ColumnKind = 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array'

export type Column = { name: string; kind: ColumnKind; searchable: boolean; required: boolean }

/** Columns the server keeps itself; a user column cannot take these names. */
export const SYSTEM_COLUMNS = ['id', 'createdAt', 'updatedAt'] as const
const RESERVED_NAMES = new Set<string>([...SYSTEM_COLUMNS, 'computed', 'stale', 'similarity'])

export const MAX_COLUMNS = 20
const COLUMN_NAME = /^[A-Za-z_$][A-Za-z0-9_]{0,29}$/
const TABLE_NAME = /^[A-Za-z_$][A-Za-z0-9_]{0,34}$/
const TYPES = new Set(['string', 'number', 'boolean', 'object', 'array', 'null'])

export function checkTableName(name: string, field = 'name'): string {
  if (!TABLE_NAME.test(name)) {
    throw invalidPayload(`"${field}" must start with a letter, "_" or "$", hold only letters, digits and "_", and be at most 35 characters; got ${JSON.stringify(name)}`)
  }
  return name
}

export function checkColumnName(name: string, field: string): string {
  if (!COLUMN_NAME.test(name)) {
    throw invalidPayload(`${field}: column name ${JSON.stringify(name)} must start with a letter, "_" or "$", hold only letters, digits and "_", and be at most 30 characters`)
  }
  if (RESERVED_NAMES.has(name)) throw invalidPayload(`${field}: ${JSON.stringify(name)} is a system column name`)
  return name
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The stored schema of a table from what a request gives: a JSON schema (`{ type: 'object', properties }`),
 * or just its `properties` object. Every column gets its `x-zui` index; computed columns are refused since
 * this server runs no AI, code or workflow to compute them.
 */
export function normalizeSchema(input: Record<string, any>): TableSchema {
  const isJsonSchema = isObject(input.properties) && (input.type === undefined || input.type === 'object')
  const properties: Record<string, any> = isJsonSchema ? input.properties : input
  const names = Object.keys(properties)
  if (names.length > MAX_COLUMNS) throw invalidPayload(`"schema" has ${names.length} columns; a table has at most ${MAX_COLUMNS}`)
  const required: string[] = isJsonSchema && Array.isArray(input.required) ? input.required : []
  for (const name of required) {
    if (typeof name !== 'string' || !Object.hasOwn(properties, name)) throw invalidPayload(`"schema.required" names ${JSON.stringify(name)}, which is not a column`)
  }
  const normalized: Record<string, Property> = {}
  names.forEach((name, index) => {
    checkColumnName(name, '"schema"')
    const property = properties[name]
    if (!isObject(property) || !TYPES.has(property.type) || property.type === 'null') {
      throw invalidPayload(`"schema": column "${name}" needs a "type" of string, number, boolean, object or array`)
    }
    if (property.format !== undefined && !(property.type === 'string' && property.format === 'date-time')) {
      throw invalidPayload(`"schema": column "${name}" has format ${JSON.stringify(property.format)}; only string columns take a format, "date-time"`)
    }
    const zui = isObject(property['x-zui']) ? property['x-zui'] : {}
    if (zui.computed && zui.computed.enabled !== false) {
      throw invalidPayload(`"schema": column "${name}" is computed; computed columns are not supported by this bpkit server`)
    }
    normalized[name] = { ...property, 'x-zui': { ...zui, index: typeof zui.index === 'number' ? zui.index : index } } as Property
  })
  const schema: TableSchema = { type: 'object', properties: normalized, additionalProperties: true }
  if (required.length) schema.required = required
  if (typeof input.$schema === 'string') schema.$schema = input.$schema
  rowValidator(schema) // a schema ajv cannot compile is the caller's mistake, told now rather than on the first row
  return schema
}

const kindOf = (p: Property): ColumnKind => (p.type === 'string' && p.format === 'date-time' ? 'date' : (p.type as ColumnKind))

export function columnsOf(schema: TableSchema): Column[] {
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties).map(([name, p]) => ({
    name,
    kind: kindOf(p),
    searchable: p['x-zui']?.searchable === true,
    required: required.has(name),
  }))
}

const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false })
addFormats(ajv)

/** Compiled row validators, by schema text (tables with the same schema share one). */
const validators = new Map<string, ValidateFunction>()

/** Every column may be null (or missing) unless the schema lists it as required. */
function rowValidator(schema: TableSchema): ValidateFunction {
  const key = JSON.stringify(schema)
  let validate = validators.get(key)
  if (!validate) {
    const required = new Set(schema.required ?? [])
    const properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, p]) => {
        const { 'x-zui': _zui, ...rest } = p
        return [name, required.has(name) ? rest : { anyOf: [{ type: 'null' }, rest] }]
      }),
    )
    try {
      validate = ajv.compile({ type: 'object', properties, required: [...required] })
    } catch (error) {
      throw invalidPayload(`"schema" is not a valid JSON schema: ${(error as Error).message}`)
    }
    if (validators.size > 500) validators.clear()
    validators.set(key, validate)
  }
  return validate
}

function describe(error: ErrorObject, data: Record<string, unknown>): string {
  const path = error.instancePath.split('/').slice(1)
  if (error.keyword === 'required' && !path.length) return `column "${error.params.missingProperty}" is required`
  const column = path[0] ?? ''
  const where = path.length > 1 ? `column "${column}" at "${path.join('.')}"` : `column "${column}"`
  // anyOf [null, type]: report the type branch's complaint, not "must be null".
  const message = error.keyword === 'anyOf' ? `must be ${JSON.stringify(data[column])} of the column's type` : error.message
  return `${where} ${message}`
}

export type RowLabel = (index: number) => string

/**
 * Checks each row against the schema and returns the stored form of its data: only the table's columns
 * (other keys are ignored, as the API says), dates as UTC ISO strings. The first row that does not fit
 * is refused, naming the row and the column.
 */
export function validateRows(schema: TableSchema, rows: Record<string, unknown>[], label: RowLabel): { data: Record<string, unknown>[]; ignored: Set<string> } {
  const validate = rowValidator(schema)
  const columns = columnsOf(schema)
  const ignored = new Set<string>()
  const data = rows.map((row, index) => {
    const kept: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(row)) {
      if (Object.hasOwn(schema.properties, key)) kept[key] = value
      else if (!RESERVED_NAMES.has(key)) ignored.add(key)
    }
    if (!validate(kept)) {
      const errors = validate.errors ?? []
      // ajv reports the failing anyOf branches before the anyOf itself; the type branch says most.
      const error = errors.find((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null')) ?? errors[0]
      throw invalidPayload(`${label(index)}: ${error ? describe(error, kept) : 'does not fit the table schema'}`)
    }
    for (const column of columns) {
      const value = kept[column.name]
      if (column.kind === 'date' && typeof value === 'string') kept[column.name] = new Date(value).toISOString()
    }
    return kept
  })
  return { data, ignored }
}

/** The JSON schema a request sees for a table: the stored one, as is. */
export const parseSchema = (text: string): TableSchema => JSON.parse(text) as TableSchema
