/**
 * The spec's response schemas as validators (ajv + ajv-formats, so `format: uuid` and `date-time` are
 * checked), for the tests that check a raw answer body against its operation.
 */
import assert from 'node:assert/strict'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { PublicOperationName } from '@bpkit/spec'
import { apiSchemas } from '@bpkit/spec/schemas'

const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)
const components = apiSchemas.public.components

const validators = new Map<string, ValidateFunction>()

/** The response validator of `op`, its `#/components/schemas/X` refs resolved against the public components. */
export function responseValidator(op: PublicOperationName): ValidateFunction {
  let validate = validators.get(op)
  if (!validate) {
    validate = ajv.compile({ ...apiSchemas.public.operations[op]!.response, components })
    validators.set(op, validate)
  }
  return validate
}

/** Asserts that `body` is a response of `op` the spec's schema accepts. */
export function assertConforms(op: PublicOperationName, body: unknown): void {
  const validate = responseValidator(op)
  assert.ok(validate(body), `${op} response does not conform: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`)
}
