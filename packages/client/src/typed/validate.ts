import type { Schema, SchemaIssue } from './schema.js'
import type { SchemaRegistry } from './registry.js'

/** A payload that its definition's schema rejects, before sending (`input`) or after receiving (`output`). */
export class PayloadValidationError extends Error {
  override readonly name = 'PayloadValidationError'

  constructor(
    readonly operation: string,
    readonly stage: 'input' | 'output',
    /** Dotted path of the rejected field from the top of the input or output: `payload.items.0.quantity`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${operation} ${stage}: invalid "${field}": ${reason}`)
  }
}

/** A value to check: its schemas by name (`undefined` when the definition has no such name). */
type Target = { field: string; value: unknown; schemas: Schema | Schema[] | undefined; name: string; nameField: string }
type Io = Record<string, any>
type Locate = (registry: SchemaRegistry, input: Io, output: Io) => Target[]

const state = (field: string, s: Io | undefined, r: SchemaRegistry): Target[] =>
  s ? [{ field: `${field}.payload`, value: s.payload, schemas: r.states[s.name], name: s.name, nameField: `${field}.name` }] : []
const event = (field: string, e: Io, r: SchemaRegistry): Target => ({ field: `${field}.payload`, value: e.payload, schemas: r.events[e.type], name: e.type, nameField: `${field}.type` })
const message = (field: string, m: Io, r: SchemaRegistry): Target => ({ field: `${field}.payload`, value: m.payload, schemas: r.messages[m.type], name: m.type, nameField: `${field}.type` })
const rows = (field: string, list: Io[] | undefined, table: string, r: SchemaRegistry): Target[] =>
  (list ?? []).map((row, i) => ({ field: `${field}.${i}`, value: row, schemas: r.tables[table], name: table, nameField: 'table' }))

const statePayload: Locate = (r, i) => (i.payload === null ? [] : [{ field: 'payload', value: i.payload, schemas: r.states[i.name], name: i.name, nameField: 'name' }])
const messagePayload: Locate = (r, i) => [{ field: 'payload', value: i.payload, schemas: r.messages[i.type], name: i.type, nameField: 'type' }]
const workflowInput: Locate = (r, i) => [{ field: 'input', value: i.input ?? {}, schemas: r.workflows[i.name]?.input, name: i.name, nameField: 'name' }]
const inputRows: Locate = (r, i) => rows('rows', i.rows, i.table, r)

// Partial writes (patchState, updateTableRows, updateMessage) are checked through their complete output.
const inputs: Record<string, Locate> = {
  setState: statePayload,
  getOrSetState: statePayload,
  createEvent: (r, i) => [{ field: 'payload', value: i.payload, schemas: r.events[i.type], name: i.type, nameField: 'type' }],
  createMessage: messagePayload,
  getOrCreateMessage: messagePayload,
  callAction: (r, i) => [{ field: 'input', value: i.input, schemas: r.actions[i.type]?.input, name: i.type, nameField: 'type' }],
  createTableRows: inputRows,
  upsertTableRows: inputRows,
  createWorkflow: workflowInput,
  getOrCreateWorkflow: workflowInput,
}

const stateOutput: Locate = (r, _i, o) => state('state', o.state, r)
const messageOutput: Locate = (r, _i, o) => [message('message', o.message, r)]
const rowsOutput: Locate = (r, i, o) => rows('rows', o.rows, i.table, r)

const outputs: Record<string, Locate> = {
  getState: stateOutput,
  setState: stateOutput,
  getOrSetState: stateOutput,
  patchState: stateOutput,
  createEvent: (r, _i, o) => [event('event', o.event, r)],
  getEvent: (r, _i, o) => [event('event', o.event, r)],
  listEvents: (r, _i, o) => (o.events as Io[]).map((e, n) => event(`events.${n}`, e, r)),
  createMessage: messageOutput,
  getOrCreateMessage: messageOutput,
  getMessage: messageOutput,
  updateMessage: messageOutput,
  listMessages: (r, _i, o) => (o.messages as Io[]).map((m, n) => message(`messages.${n}`, m, r)),
  callAction: (r, i, o) => [{ field: 'output', value: o.output, schemas: r.actions[i.type]?.output, name: i.type, nameField: 'type' }],
  getTableRow: (r, i, o) => [{ field: 'row', value: o.row, schemas: r.tables[i.table], name: i.table, nameField: 'table' }],
  findTableRows: rowsOutput,
  createTableRows: rowsOutput,
  updateTableRows: rowsOutput,
  upsertTableRows: (r, i, o) => [...rows('inserted', o.inserted, i.table, r), ...rows('updated', o.updated, i.table, r)],
}

const joinPath = (field: string, issue: SchemaIssue) => [field, ...issue.path.map(String)].join('.')

/** The first issue of the value against its schemas (any one of several may accept it), or none. */
function firstIssue(schemas: Schema | Schema[], value: unknown): SchemaIssue | undefined {
  let first: SchemaIssue | undefined
  for (const schema of Array.isArray(schemas) ? schemas : [schemas]) {
    const result = schema.safeParse(value)
    if (result.success) return undefined
    first ??= result.error.issues[0] ?? { path: [], message: 'is invalid' }
  }
  return first
}

/**
 * Checks what the operations of a typed client send and receive against the definition's schemas. A name the
 * definition lacks is refused on the way out and let through on the way in: a server may hold events or
 * messages of other senders.
 */
export function validator(registry: SchemaRegistry) {
  const check = (operation: string, stage: 'input' | 'output', targets: Target[]) => {
    for (const target of targets) {
      if (!target.schemas) {
        if (stage === 'input') throw new PayloadValidationError(operation, stage, target.nameField, `"${target.name}" is not in the definition`)
        continue
      }
      const issue = firstIssue(target.schemas, target.value)
      if (issue) throw new PayloadValidationError(operation, stage, joinPath(target.field, issue), issue.message)
    }
  }
  return {
    input(operation: string, input: Io): void {
      const locate = inputs[operation]
      if (locate) check(operation, 'input', locate(registry, input, {}))
    },
    output(operation: string, input: Io, output: Io): void {
      const locate = outputs[operation]
      if (locate) check(operation, 'output', locate(registry, input, output))
    },
  }
}

export type Validator = ReturnType<typeof validator>
