/**
 * JSON schema → TypeScript type text, for the schemas people write in bot and integration definitions (what
 * zod-to-json-schema and the SDK produce): types and type arrays, `nullable`, enums, `const`, unions,
 * intersections, objects with required and extra properties, arrays and tuples, local `$ref`s. Anything else
 * is `unknown`, never a guess. The spec's own emitter is a build script for the API's narrower schemas.
 */
type Json = Record<string, any>

const isIdentifier = (key: string) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
export const propertyKey = (key: string) => (isIdentifier(key) ? key : JSON.stringify(key))

const union = (types: string[]) => [...new Set(types)].join(' | ') || 'never'
const group = (type: string) => (/[|&]/.test(type) && !/^[{[]/.test(type) ? `(${type})` : type)

export function docComment(schema: unknown, indent: string): string {
  const text = typeof (schema as Json)?.description === 'string' ? (schema as Json).description.trim() : ''
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').split('\n').join(`\n${indent} * `)} */\n` : ''
}

/** The type of `schema`; `root` resolves `#/…` references. */
export function schemaType(schema: unknown, indent = '', root: unknown = schema, seen: ReadonlySet<unknown> = new Set()): string {
  if (schema === false) return 'never'
  if (!schema || typeof schema !== 'object') return 'unknown'
  const s = schema as Json
  const emit = (sub: unknown, subIndent = indent) => schemaType(sub, subIndent, root, seen)

  if (typeof s.$ref === 'string') {
    const target = s.$ref.startsWith('#') ? resolvePointer(root, s.$ref) : undefined
    return target === undefined || seen.has(target) ? 'unknown' : schemaType(target, indent, root, new Set([...seen, target]))
  }
  const base = nonNullable(s, indent, emit)
  return s.nullable === true && base !== 'unknown' ? `${base} | null` : base
}

function nonNullable(s: Json, indent: string, emit: (sub: unknown, indent?: string) => string): string {
  if ('const' in s) return JSON.stringify(s.const)
  if (Array.isArray(s.enum)) return union(s.enum.map((v: unknown) => JSON.stringify(v)))
  const variants = s.anyOf ?? s.oneOf
  if (Array.isArray(variants)) return union(variants.map((v: unknown) => emit(v)))
  if (Array.isArray(s.allOf)) return s.allOf.map((v: unknown) => group(emit(v))).join(' & ') || 'unknown'
  if (Array.isArray(s.type)) return union(s.type.map((type: string) => nonNullable({ ...s, type }, indent, emit)))
  switch (s.type) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      if (Array.isArray(s.items)) return `[${s.items.map((v: unknown) => emit(v)).join(', ')}]`
      return `${group(emit(s.items))}[]`
    case 'object':
      return objectType(s, indent, emit)
    default:
      return s.properties ? objectType(s, indent, emit) : 'unknown'
  }
}

function objectType(s: Json, indent: string, emit: (sub: unknown, indent?: string) => string): string {
  const inner = indent + '  '
  const required = new Set<string>(Array.isArray(s.required) ? s.required : [])
  const props = Object.entries<unknown>(s.properties ?? {})
  const extra = s.additionalProperties
  const extraType = extra === undefined || extra === false ? undefined : extra === true ? 'unknown' : emit(extra, inner)
  if (!props.length) return `{ [key: string]: ${extraType ?? 'unknown'} }`
  const lines = props.map(([key, prop]) => `${docComment(prop, inner)}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${emit(prop, inner)}`)
  const object = `{\n${lines.join('\n')}\n${indent}}`
  // An index signature must admit every declared property, so extra properties join as an intersection.
  return extraType === undefined ? object : `${object} & { [key: string]: ${extraType} }`
}

function resolvePointer(root: unknown, ref: string): unknown {
  const parts = ref.slice(1).split('/').filter(Boolean).map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
  let node: unknown = root
  for (const part of parts) node = node && typeof node === 'object' ? (node as Json)[part] : undefined
  return node
}
