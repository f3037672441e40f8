import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { billingOperations, publicOperations, type OperationDefinition } from '@bpkit/spec'
import { startTestServer, type TestServer } from '@bpkit/server'

/** Minimal valid bodies, so that each request passes validation and reaches its handler. */
const sampleBodies: Record<string, object> = {
  payInvoice: {},
  setPaymentMethod: { paymentMethodId: 'pm_1' },
  createPaymentMethodIntent: {},
  chargeWorkspaceUnpaidInvoices: {},
  changeAISpendQuota: { monthlySpendingLimit: 10 },
}

const billingCalls: [string, OperationDefinition][] = [
  ...Object.entries(billingOperations),
  ...(['listWorkspaceInvoices', 'getUpcomingInvoice', 'chargeWorkspaceUnpaidInvoices', 'changeAISpendQuota'] as const).map(
    (name) => [name, publicOperations[name]] as [string, OperationDefinition],
  ),
]

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

for (const [name, operation] of billingCalls) {
  test(`${name} answers that a self-hosted server has no billing`, async () => {
    const path = operation.path.replace(/\{[^}]+\}/g, server.workspaceId)
    const response = await fetch(server.url + path, {
      method: operation.method.toUpperCase(),
      headers: { authorization: `Bearer ${server.token}`, 'x-workspace-id': server.workspaceId, 'content-type': 'application/json' },
      body: operation.body ? JSON.stringify(sampleBodies[name] ?? {}) : undefined,
    })
    const body = (await response.json()) as { type: string; message: string; code: number; id: string }
    assert.equal(response.status, 405)
    assert.equal(body.type, 'MethodNotFound')
    assert.equal(body.code, 405)
    assert.match(body.message, new RegExp(`"${name}" is a billing operation`))
    assert.match(body.id, /^err_/)
  })
}

test('billing operations still require a valid token', async () => {
  const response = await fetch(server.url + billingOperations.listPlans.path)
  assert.equal(response.status, 401)
})
