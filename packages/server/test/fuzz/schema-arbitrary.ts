/**
 * Valid values from the contract's JSON schemas (the subset @botpress/api uses: type, properties, required,
 * additionalProperties, items, enum, $ref, nullable, string and number bounds, pattern, format), as
 * fast-check arbitraries, so that they shrink toward the smallest value that still fails.
 */
import fc from 'fast-check'
import type { JsonSchema } from '@bpkit/spec/schemas'

type Schema = JsonSchema & Record<string, any>

/** Hints from the fuzzer: values worth trying for fields of a given name (known ids, table names, …). */
export type FieldHints = Record<string, fc.Arbitrary<unknown>>

export type SchemaContext = { components: Record<string, JsonSchema>; hints: FieldHints }

const MAX_DEPTH = 5

const refName = (ref: string) => ref.replace('#/components/schemas/', '')

const shortString = (schema: Schema) => {
  const minLength = schema.minLength ?? 0
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 24, 24))
  return fc.string({ minLength, maxLength })
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())
    case 'date':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
    case 'uri':
      return fc.webUrl()
    case 'email':
      return fc.emailAddress()
    case 'uuid':
      return fc.uuid()
  }
  if (typeof schema.pattern === 'string') {
    try {
      const pattern = new RegExp(schema.pattern)
      return fc.stringMatching(pattern).filter((s) => s.length <= (schema.maxLength ?? 200) && s.length >= (schema.minLength ?? 0))
    } catch {
      // a pattern JavaScript cannot read: fall back to any short string
    }
  }
  return shortString(schema)
}

function numberArbitrary(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000)
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : Math.max(min, 0) + 1000)
  if (schema.type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) })
  return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true })
}

/** A value the schema accepts (as far as generation can tell: formats and patterns are best effort). */
export function valueOf(schema: JsonSchema | undefined, ctx: SchemaContext, depth = 0, field?: string): fc.Arbitrary<unknown> {
  const s = (schema ?? {}) as Schema
  const plain = plainValueOf(s, ctx, depth, field)
  return s.nullable ? fc.oneof({ weight: 5, arbitrary: plain }, { weight: 1, arbitrary: fc.constant(null) }) : plain
}

function plainValueOf(s: Schema, ctx: SchemaContext, depth: number, field?: string): fc.Arbitrary<unknown> {
  if (field && ctx.hints[field]) {
    const hint = ctx.hints[field]!
    return fc.oneof({ weight: 4, arbitrary: hint }, { weight: 1, arbitrary: basicValueOf(s, ctx, depth) })
  }
  return basicValueOf(s, ctx, depth)
}

function basicValueOf(s: Schema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  if (typeof s.$ref === 'string') {
    if (depth >= MAX_DEPTH) return fc.constant({})
    return valueOf(ctx.components[refName(s.$ref)], ctx, depth + 1)
  }
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as unknown[]))
  if ('const' in s) return fc.constant(s.const)
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length > 1) return fc.oneof(...types.map((type) => basicValueOf({ ...s, type }, ctx, depth)))
  switch (types[0]) {
    case 'string':
      return stringArbitrary(s)
    case 'integer':
    case 'number':
      return numberArbitrary(s)
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      const maxLength = depth >= MAX_DEPTH ? (s.minItems ?? 0) : Math.min(s.maxItems ?? 3, Math.max(s.minItems ?? 0, 3))
      return fc.array(valueOf(s.items, ctx, depth + 1), { minLength: s.minItems ?? 0, maxLength })
    }
    case 'object':
      return objectOf(s, ctx, depth)
  }
  if (s.properties) return objectOf(s, ctx, depth)
  return jsonValue
}

function objectOf(s: Schema, ctx: SchemaContext, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set<string>(s.required ?? [])
  const keys = Object.keys(properties).filter((key) => depth < MAX_DEPTH || required.has(key))
  const known = fc.record(Object.fromEntries(keys.map((key) => [key, valueOf(properties[key], ctx, depth + 1, key)])), {
    requiredKeys: keys.filter((key) => required.has(key)),
  })
  const extra = s.additionalProperties
  if (!extra || Object.keys(properties).length || depth >= MAX_DEPTH) return known as fc.Arbitrary<Record<string, unknown>>
  const values = extra === true ? jsonValue : valueOf(extra as JsonSchema, ctx, depth + 1)
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 4 })
}

/** Any small JSON value, for schemas that accept anything (payloads, filters, configurations). */
export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown)
