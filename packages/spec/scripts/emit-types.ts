/**
 * Turns the JSON schemas of `@botpress/api` into TypeScript type text.
 *
 * Written here rather than taken from json-schema-to-typescript because the API's schemas use a small
 * subset of JSON schema (no unions: opapi is configured with `allowUnions: false`), and we need exact
 * control over the names (one `XInput`/`XResponse` pair per operation, models by their own name)
 * without the per-`title` interfaces and the formatter pass that library brings.
 */
type Json = any

export const pascal = (name: string) => name[0].toUpperCase() + name.slice(1)

const isIdentifier = (key: string) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
const propertyKey = (key: string) => (isIdentifier(key) ? key : JSON.stringify(key))

function docComment(schema: Json, indent: string): string {
  const text = typeof schema?.description === 'string' ? schema.description.trim() : ''
  const deprecated = schema?.deprecated ? '@deprecated' : ''
  const body = [text, deprecated].filter(Boolean).join('\n').replace(/\*\//g, '*\\/')
  if (!body) return ''
  return `${indent}/** ${body.split('\n').join(`\n${indent} * `)} */\n`
}

/** `ref` maps a component name to the type name it is emitted under. */
export function emitSchemaType(schema: Json, ref: (name: string) => string, indent: string): string {
  const base = emitNonNullable(schema, ref, indent)
  return schema?.nullable ? `${base} | null` : base
}

function emitNonNullable(schema: Json, ref: (name: string) => string, indent: string): string {
  if (schema === true || schema === undefined || schema === null) return 'any'
  if (schema === false) return 'never'
  if (typeof schema.$ref === 'string') return ref(schema.$ref.split('/').pop()!)
  if (Array.isArray(schema.enum)) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(' | ')
  switch (schema.type) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array': {
      const item = emitSchemaType(schema.items, ref, indent)
      return /^[A-Za-z0-9_.]+$/.test(item) ? `${item}[]` : `Array<${item}>`
    }
    case 'object':
      return emitObject(schema, ref, indent)
    default:
      return 'any'
  }
}

function emitObject(schema: Json, ref: (name: string) => string, indent: string): string {
  const inner = indent + '  '
  const required = new Set<string>(schema.required ?? [])
  const props = Object.entries<Json>(schema.properties ?? {})
  const extra = schema.additionalProperties
  const indexType = extra === false ? undefined : extra === undefined || extra === true ? 'any' : emitSchemaType(extra, ref, inner)

  const lines = props.map(
    ([key, prop]) =>
      `${docComment(prop, inner)}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${emitSchemaType(prop, ref, inner)}`,
  )
  if (!props.length && indexType === undefined) return '{}'
  if (!props.length) return `{ [key: string]: ${indexType} }`
  const object = `{\n${lines.join('\n')}\n${indent}}`
  // An index signature must admit every declared property's type, so open objects become an intersection.
  return indexType === undefined || indexType === 'any' && extra === undefined ? object : `${object} & { [key: string]: ${indexType} }`
}
