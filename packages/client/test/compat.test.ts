/** The drop-in promise, checked against the official @botpress/client@1.45.0 installed next to us. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as official from '@botpress/client'
import * as bpkit from '@bpkit/client'
import { errorCatalogue, publicOperations, runtimeOperations, adminOperations, filesOperations, tablesOperations, billingOperations } from '@bpkit/spec'

/** Operations of the official 1.45.0 client that @botpress/api 1.70.2, our contract, no longer defines. */
const droppedSince145 = [
  'captureObservation', 'migrateWorkspaceToV4', 'rotateBotSigningSecrets', 'rotateIntegrationSigningSecrets',
  // The billing API was redesigned (v2 routes).
  'createCreditGrant', 'createTrial', 'getAutoRechargeSettings', 'getBillingAddress', 'getQuotas', 'getSubscription', 'getTrials',
  'getWorkspaceUsage', 'getWorkspaceUsages', 'previewSubscriptionUpdate', 'removeTrial', 'setAddons', 'setAutoRechargeSettings',
  'setBillingAddress', 'setCancelAtPeriodEnd', 'setPlan',
].sort()

type Namespace = 'runtime' | 'admin' | 'files' | 'tables' | 'billing'
const props = { token: 't', botId: 'b', workspaceId: 'w' }

const functionsOf = (object: object): string[] => {
  const names = new Set<string>()
  for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (object as Record<string, unknown>)[name] === 'function') names.add(name)
    }
  }
  return [...names].sort()
}

const clients: { name: string; ours: object; theirs: object; table: object; extra: string[] }[] = [
  { name: 'Client', ours: new bpkit.Client(props), theirs: new official.Client(props), table: publicOperations, extra: ['uploadFile'] },
  ...(
    [
      ['runtime', runtimeOperations, []],
      ['admin', adminOperations, []],
      ['files', filesOperations, ['uploadFile']],
      ['tables', tablesOperations, []],
      ['billing', billingOperations, []],
    ] as const
  ).map(([ns, table, extra]) => ({
    name: `${ns}.Client`,
    ours: new bpkit[ns as Namespace].Client(props),
    theirs: new official[ns as Namespace].Client(props),
    table,
    extra: [...extra],
  })),
]

test('every value the official package exports, we export too (axios aside)', () => {
  const missing = Object.keys(official).filter((name) => !['axios', 'axiosRetry', 'default'].includes(name) && !(name in bpkit))
  assert.deepEqual(missing, [])
})

for (const { name, ours, theirs, table, extra } of clients) {
  test(`${name} has exactly its API's operations, which cover the official client's`, () => {
    const methods = functionsOf(ours)
    assert.deepEqual(methods, [...Object.keys(table), ...extra].sort())
    const missing = functionsOf(theirs).filter((m) => m !== 'axiosInstance' && !methods.includes(m))
    assert.deepEqual(missing, droppedSince145.filter((op) => op in theirs), 'only operations the API no longer has')
  })

  test(`${name} list helpers cover the official ones`, () => {
    const helpers = Object.keys((ours as { list: object }).list)
    // The official billing client names its one helper after the operation; ours follows the rule for all.
    const renamed: Record<string, string> = { listInvoices: 'invoices' }
    const missing = Object.keys((theirs as { list?: object }).list ?? {}).filter((h) => !helpers.includes(renamed[h] ?? h))
    assert.deepEqual(missing, [])
  })
}

test('config has the official shape and values', () => {
  const saved = { ...process.env }
  for (const n of ['BP_API_URL', 'BP_TOKEN', 'BP_BOT_ID', 'BP_WORKSPACE_ID', 'BP_INTEGRATION_ID']) delete process.env[n]
  try {
    const all = { ...props, integrationId: 'i', integrationAlias: 'a', timeout: 5, headers: { 'x-a': 'b' } }
    assert.deepEqual(new bpkit.Client(all).config, new official.Client(all).config)
    assert.deepEqual(new bpkit.Client().config, new official.Client().config)
  } finally {
    process.env = saved
  }
})

test('one error class per catalogue type, with the official code, type and description', () => {
  assert.equal(errorCatalogue.length, 26)
  for (const { type, status, description } of errorCatalogue) {
    const name = `${type}Error`
    const Ours = (bpkit as unknown as Record<string, new (m: string) => bpkit.ApiError>)[name]
    const Theirs = (official as unknown as Record<string, new (m: string) => official.ApiError>)[name]
    const ours = new Ours('boom')
    const theirs = new Theirs('boom')
    assert.equal(ours.name, name)
    assert.deepEqual([ours.code, ours.type, ours.description, ours.message], [theirs.code, theirs.type, theirs.description, theirs.message])
    assert.equal(ours.code, status)
    assert.equal(ours.description, description)
    assert.ok(bpkit.isApiError(ours) && official.isApiError(ours), 'both isApiError agree')
    assert.match(ours.id, /^err_\d{14}x[0-9A-F]{8}$/)
  }
})

test('errorFrom classifies like the official one', () => {
  const inputs: unknown[] = [
    { id: 'err_1', code: 404, type: 'ResourceNotFound', message: 'gone', metadata: { a: 1 } },
    { id: 'err_2', code: 400, type: 'NotAType', message: 'odd' },
    new Error('plain'),
    'a string',
    { some: 'object' },
    42,
  ]
  for (const input of inputs) {
    const ours = bpkit.errorFrom(input)
    const theirs = official.errorFrom(input)
    assert.deepEqual([ours.type, ours.message, ours.code], [theirs.type, theirs.message, theirs.code], JSON.stringify(input))
    if (typeof input === 'object' && input && 'id' in input) assert.equal(ours.id, input.id)
  }
  const existing = new bpkit.RuntimeError('kept')
  assert.equal(bpkit.errorFrom(existing), existing)
  assert.deepEqual(existing.toJSON(), { id: existing.id, code: 400, type: 'Runtime', message: 'kept', metadata: undefined })
  assert.equal(existing.format(), `[Runtime] kept (Error ID: ${existing.id})`)
})

test('UploadFileError carries the file and the inner error', () => {
  const inner = new Error('cause')
  const error = new bpkit.UploadFileError('failed', inner, { id: 'file_1' } as never)
  assert.ok(error instanceof Error)
  assert.equal(error.innerError, inner)
  assert.equal(error.file?.id, 'file_1')
  assert.equal(error.name, new official.UploadFileError('x').name)
})
