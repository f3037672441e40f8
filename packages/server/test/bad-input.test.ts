import { it } from 'node:test'
import assert from 'node:assert/strict'
import { publicOperations } from '@bpkit/spec'
import { apiSchemas } from '@bpkit/spec/schemas'
import { startTestServer } from '@bpkit/server'
import { sections } from '../src/sections.js'
import { clientFor, describeEachStore } from './support.js'
import { assertErrorEnvelope, expectApiError, raw, type RawResponse } from './admin-support.js'

const invalid = (response: RawResponse, field: RegExp) => assertErrorEnvelope(response, 400, 'InvalidPayload', field)

/** GET operations no section answers yet, callable without required query fields or headers. */
function unhandledGetOperations(): string[] {
  const handled = new Set(sections.flatMap((s) => Object.keys(s.handlers ?? {})))
  return Object.entries(publicOperations)
    .filter(([name, op]) => op.method === 'get' && !handled.has(name))
    .filter(([name]) => {
      const schemas = apiSchemas.public.operations[name]!
      return !schemas.query?.required?.length && !schemas.headers?.required?.length
    })
    .map(([name]) => name)
}

describeEachStore('bad input: 400 InvalidPayload naming the field', ({ server }) => {
  it('wrong types', async () => {
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: { name: 42 } }), /"name" must be string/)
    invalid(await raw(server(), 'POST', '/v1/chat/users', { body: { tags: { owner: 5 } } }), /"tags\.owner" must be string/)
    invalid(await raw(server(), 'PUT', `/v1/admin/workspaces/${server().workspaceId}`, { body: { isPublic: 'yes' } }), /"isPublic" must be boolean/)
    invalid(await raw(server(), 'GET', '/v1/admin/bots?dev=perhaps'), /"dev" must be boolean/)
  })

  it('missing fields', async () => {
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: {} }), /missing required field "name"/)
    invalid(await raw(server(), 'POST', '/v1/admin/bots/baks', { body: { note: 'n' } }), /missing required field "botId"/)
    invalid(await raw(server(), 'POST', '/v1/admin/bots', { body: { states: { s: { schema: {} } } } }), /missing required field "states\.s\.type"/)
  })

  it('unknown fields', async () => {
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: { name: 'x', color: 'red' } }), /unknown field "color"/)
    invalid(await raw(server(), 'POST', '/v1/admin/account/pats', { body: { note: 'x', expiresAt: 'never' } }), /unknown field "expiresAt"/)
    invalid(await raw(server(), 'GET', '/v1/admin/workspaces?colour=red'), /unknown field "colour"/)
  })

  it('over-long strings', async () => {
    const path = `/v1/admin/workspaces/${server().workspaceId}`
    invalid(await raw(server(), 'PUT', path, { body: { name: 'n'.repeat(65) } }), /"name" must NOT have more than 64 characters/)
    invalid(await raw(server(), 'POST', '/v1/chat/users', { body: { tags: {}, name: 'n'.repeat(201) } }), /"name" must NOT have more than 200 characters/)
    invalid(await raw(server(), 'POST', '/v1/admin/bots', { body: { description: 'd'.repeat(2001) } }), /"description"/)
    // createWorkspace's schema sets no limit; the server applies updateWorkspace's.
    await expectApiError(clientFor(server()).createWorkspace({ name: 'n'.repeat(65) }), { code: 400, type: 'InvalidPayload', message: /"name"/ })
  })

  it('bad enum values and patterns', async () => {
    invalid(await raw(server(), 'GET', '/v1/admin/bots?sortField=name'), /"sortField" must be one of "createdAt", "updatedAt"/)
    invalid(await raw(server(), 'POST', '/v1/admin/bots', { body: { states: { s: { type: 'global', schema: {} } } } }), /"states\.s\.type" must be one of/)
    invalid(await raw(server(), 'PUT', `/v1/admin/workspaces/${server().workspaceId}`, { body: { handle: 'Not A Handle' } }), /"handle" must match pattern/)
    invalid(await raw(server(), 'PUT', `/v1/admin/workspaces/${server().workspaceId}`, { body: { spendingLimit: 1 } }), /"spendingLimit" must be >= 5/)
  })

  it('the NUL character, which PostgreSQL cannot store, in a body, a query or a path', async () => {
    invalid(await raw(server(), 'POST', '/v1/chat/users', { body: { tags: { owner: 'a\u0000b' } } }), /"tags\.owner" must not contain the NUL character/)
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: { name: '\u0000' } }), /"name" must not contain the NUL/)
    invalid(await raw(server(), 'GET', '/v1/admin/workspaces?handle=a%00'), /query: "handle"/)
    invalid(await raw(server(), 'DELETE', '/v1/admin/account/pats/%00'), /path: "id"/)
  })

  it('a nextToken that was not handed out', async () => {
    await expectApiError(clientFor(server()).listWorkspaces({ nextToken: 'garbage' }), { code: 400, type: 'InvalidPayload', message: /nextToken/ })
  })

  it('malformed JSON, a body that is not an object, an unsupported content type', async () => {
    const malformed = await raw(server(), 'POST', '/v1/admin/workspaces', { body: '{"name": "x",' })
    assertErrorEnvelope(malformed, 400, 'InvalidPayload', /JSON/)
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: '["name"]' }), /must be object/)
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: 'null' }), /body/)
    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: 'name=x', headers: { 'content-type': 'text/plain' } }), /body/)
    const xmlBody = await raw(server(), 'POST', '/v1/admin/workspaces', { body: '<name>x</name>', headers: { 'content-type': 'application/xml' } })
    assertErrorEnvelope(xmlBody, 415, 'UnsupportedMediaType')
  })

  it('a rejected request changes nothing', async () => {
    const client = clientFor(server())
    const workspaces = await client.listWorkspaces({})
    const workspace = await client.getWorkspace({ id: server().workspaceId })
    const users = await client.listUsers({})

    invalid(await raw(server(), 'POST', '/v1/admin/workspaces', { body: { name: 'half valid', bogus: true } }), /"bogus"/)
    invalid(await raw(server(), 'PUT', `/v1/admin/workspaces/${server().workspaceId}`, { body: { name: 'renamed', spendingLimit: 1 } }), /spendingLimit/)
    invalid(await raw(server(), 'POST', '/v1/chat/users', { body: { tags: {}, name: 'ghost', pictureUrl: 7 } }), /pictureUrl/)
    await expectApiError(client.createWorkspace({ name: ' ' }), { code: 400 })

    assert.deepEqual(await client.listWorkspaces({}), workspaces)
    assert.deepEqual(await client.getWorkspace({ id: server().workspaceId }), workspace)
    assert.deepEqual(await client.listUsers({}), users)
  })
})

describeEachStore('bad input: routes, operations and the error envelope', ({ server }) => {
  it('an unknown route is a 404 in the Botpress error envelope', async () => {
    assertErrorEnvelope(await raw(server(), 'GET', '/v1/chat/nothing-here'), 404, 'ResourceNotFound', /\/v1\/chat\/nothing-here/)
    assertErrorEnvelope(await raw(server(), 'PATCH', '/v1/admin/workspaces'), 404, 'ResourceNotFound')
    // `/` itself is the dashboard's page once packages/dashboard is built; below the API's prefixes nothing is.
    assertErrorEnvelope(await raw(server(), 'GET', '/v1', { token: null }), 404, 'ResourceNotFound')
    assertErrorEnvelope(await raw(server(), 'GET', '/v1/nothing/here.js', { token: null }), 404, 'ResourceNotFound')
  })

  it('an unknown record is a 404 naming it', async () => {
    await expectApiError(clientFor(server()).getWorkspace({ id: 'wkspace_01J000000000000000000NONE' }), { code: 404, type: 'ResourceNotFound', message: /wkspace_01J000000000000000000NONE/ })
  })

  it('an operation this server does not support answers 405 MethodNotFound naming it', async () => {
    const unhandled = unhandledGetOperations()
    for (const name of unhandled) {
      const pathSchema = apiSchemas.public.operations[name]!.path as { properties?: Record<string, { enum?: string[] }> } | undefined
      const path = publicOperations[name as keyof typeof publicOperations].path.replace(/\{([^}]+)\}/g, (_, param: string) => pathSchema?.properties?.[param]?.enum?.[0] ?? 'some_id')
      assertErrorEnvelope(await raw(server(), 'GET', path), 405, 'MethodNotFound', new RegExp(`"${name}"`))
    }
    // Billing is never supported on a self-hosted server, so at least one operation always answers 405.
    assertErrorEnvelope(await raw(server(), 'GET', publicOperations.getUpcomingInvoice.path.replace('{id}', server().workspaceId)), 405, 'MethodNotFound', /"getUpcomingInvoice"/)
  })

  it('every error carries the request id header; a client mistake is never a 500', async () => {
    const attempts: [string, string, string | object | undefined][] = [
      ['POST', '/v1/admin/workspaces', '{'],
      ['POST', '/v1/admin/workspaces', '"just a string"'],
      ['POST', '/v1/admin/workspaces', { name: { deeply: { nested: [1, 2, 3] } } }],
      ['PUT', `/v1/admin/bots/${server().botId}`, { states: { s: null, t: 5 } }],
      ['PUT', `/v1/admin/bots/${server().botId}`, { integrations: { x: { configuration: 'nope' } } }],
      ['GET', `/v1/admin/bots?tags=${encodeURIComponent('[1]')}`, undefined],
      ['GET', `/v1/admin/bots?nextToken=${'%FF'.repeat(10)}`, undefined],
      ['DELETE', '/v1/admin/account/pats/%00', undefined],
      ['GET', `/v1/admin/bots/${'x'.repeat(5000)}`, undefined],
      ['POST', '/v1/admin/bots/baks', { botId: 'bot_does_not_exist' }],
      ['GET', '/v1/chat/users?limit=-1', undefined],
    ]
    for (const [method, path, body] of attempts) {
      const response = await raw(server(), method, path, { body })
      assert.ok(response.status >= 400 && response.status < 500, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
      assert.match(response.headers.get('x-request-id') ?? '', /^req_/)
      assert.equal(typeof response.body.message, 'string')
    }
  })
})

describeEachStore('bad input: body size', ({ store }) => {
  it('an oversized body is 413 PayloadTooLarge and changes nothing', async () => {
    const server = await startTestServer({ database: store.database, bodyLimit: 1024 })
    try {
      const response = await raw(server, 'POST', '/v1/admin/workspaces', { body: { name: 'x'.repeat(2000) } })
      assertErrorEnvelope(response, 413, 'PayloadTooLarge')
      const accepted = await raw(server, 'POST', '/v1/admin/workspaces', { body: { name: 'small' } })
      assert.equal(accepted.status, 200)
      const { workspaces } = await clientFor(server).listWorkspaces({})
      assert.deepEqual(workspaces.map((w) => w.name).sort(), ['Default workspace', 'small'])
    } finally {
      await server.close()
    }
  })
})
