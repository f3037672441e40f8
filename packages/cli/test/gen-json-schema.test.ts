import { test } from 'node:test'
import assert from 'node:assert/strict'
import { schemaType } from '../src/gen/json-schema.js'

const oneLine = (schema: unknown) => schemaType(schema).replace(/\s*\n\s*/g, ' ')

test('scalars, enums, consts, nullables and type arrays', () => {
  assert.equal(schemaType({ type: 'string' }), 'string')
  assert.equal(schemaType({ type: 'integer' }), 'number')
  assert.equal(schemaType({ type: 'boolean', nullable: true }), 'boolean | null')
  assert.equal(schemaType({ type: ['string', 'null'] }), 'string | null')
  assert.equal(schemaType({ enum: ['a', 1, null] }), '"a" | 1 | null')
  assert.equal(schemaType({ const: 'fixed' }), '"fixed"')
  assert.equal(schemaType({}), 'unknown')
  assert.equal(schemaType(false), 'never')
})

test('objects: required and optional properties, extra properties, keys that are not identifiers', () => {
  assert.equal(oneLine({ type: 'object', properties: { a: { type: 'string' }, 'b-c': { type: 'number' } }, required: ['a'] }), '{ a: string "b-c"?: number }')
  assert.equal(oneLine({ type: 'object', additionalProperties: { type: 'number' } }), '{ [key: string]: number }')
  assert.equal(oneLine({ type: 'object' }), '{ [key: string]: unknown }')
  assert.equal(
    oneLine({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: true }),
    '{ a: string } & { [key: string]: unknown }',
  )
  assert.equal(oneLine({ type: 'object', properties: { a: { type: 'string', description: 'The a.' } } }), '{ /** The a. */ a?: string }')
})

test('arrays, tuples, unions, intersections and local references', () => {
  assert.equal(schemaType({ type: 'array', items: { type: 'string' } }), 'string[]')
  assert.equal(schemaType({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } }), '(string | number)[]')
  assert.equal(schemaType({ type: 'array', items: [{ type: 'string' }, { type: 'number' }] }), '[string, number]')
  assert.equal(schemaType({ oneOf: [{ const: 'a' }, { const: 'b' }] }), '"a" | "b"')
  assert.equal(
    oneLine({ allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'number' } } }] }),
    '{ a?: string } & { b?: number }',
  )
  const withRef = { type: 'object', properties: { home: { $ref: '#/definitions/address' } }, definitions: { address: { type: 'string' } } }
  assert.equal(oneLine(withRef), '{ home?: string }')
  const cyclic = { type: 'object', properties: { next: { $ref: '#' } } }
  assert.equal(oneLine(cyclic), '{ next?: { next?: unknown } }')
  assert.equal(schemaType({ $ref: 'https://example.com/x.json' }), 'unknown')
})
