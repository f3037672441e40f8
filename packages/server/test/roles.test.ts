import { before, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { publicOperations, type PublicOperationName } from '@bpkit/spec'
import { ROLES, mayCall, operationPermissions, permissionOf, permissionRoles, type Role } from '../src/members/roles.js'
import { describeEachStore } from './support.js'
import { addMember, createWorkspaceWithBot, type Member } from './members-support.js'
import { minimalRequest } from './roles-inputs.js'

const operations = Object.keys(publicOperations) as PublicOperationName[]

it('the role table names every operation of the public API, and nothing else', () => {
  assert.deepEqual(Object.keys(operationPermissions).sort(), [...operations].sort())
  for (const operation of operations) assert.ok(permissionRoles[permissionOf(operation)], operation)
  assert.ok(mayCall('owner', 'deleteWorkspace') && !mayCall('administrator', 'deleteWorkspace'))
})

it('docs/management-and-roles.md shows the role table as it is enforced', () => {
  const page = readFileSync(new URL('../../../docs/management-and-roles.md', import.meta.url), 'utf8')
  // The table's own section: from its heading to the next heading of the page's main sections.
  const from = page.indexOf('## The role table')
  assert.ok(from >= 0, 'the page has a "The role table" section')
  const table = page.slice(from).split(/\n#{1,2} /)[0].split('\n')
  for (const operation of operations) {
    const row = table.find((line) => line.startsWith(`| \`${operation}\` |`))
    assert.ok(row, `the role table has no row for ${operation}`)
    const cells = row.split('|').slice(2, 2 + ROLES.length).map((c) => c.trim())
    assert.deepEqual(cells, ROLES.map((role) => (mayCall(role, operation) ? '✓' : '')), `the role table's row of ${operation}`)
  }
})

/** Workspace and bot operations: the ones a role decides (account operations involve no workspace). */
const scoped = operations.filter((op) => operationPermissions[op] !== 'account')
// Last, and alone: when it is allowed it deletes the walk's workspace.
const closing: PublicOperationName = 'deleteWorkspace'

describeEachStore('roles: each role, each workspace or bot operation, allowed or 403', ({ server }) => {
  let ids: { workspaceId: string; botId: string }
  const members = new Map<Role, Member>()

  before(async () => {
    ids = await createWorkspaceWithBot(server(), 'Role walk')
    for (const role of ROLES) members.set(role, await addMember(server(), ids.workspaceId, role))
  })

  async function call(role: Role, operation: PublicOperationName) {
    const request = minimalRequest(operation, ids)
    const response = await fetch(server().url + request.path, {
      method: request.method,
      headers: { ...request.headers, authorization: `Bearer ${members.get(role)!.token}` },
      body: request.body,
    })
    const text = await response.text()
    const body = text ? JSON.parse(text) : {}
    return { status: response.status, message: String(body.message ?? '') }
  }

  async function walk(operation: PublicOperationName) {
    const results = await Promise.all(ROLES.map(async (role) => ({ role, ...(await call(role, operation)) })))
    for (const { role, status, message } of results) {
      const refused = status === 403 && message.includes('role may not call')
      assert.equal(refused, !mayCall(role, operation), `${role} → ${operation}: ${status} ${message}`)
      if (refused) assert.match(message, new RegExp(`^The ${role} role may not call "${operation}"`))
    }
  }

  it(`walks ${scoped.length} operations for ${ROLES.length} roles`, async () => {
    const batch = 8
    const others = scoped.filter((op) => op !== closing)
    for (let i = 0; i < others.length; i += batch) await Promise.all(others.slice(i, i + batch).map(walk))
    // Every role but the owner is refused; then the owner closes the workspace.
    for (const role of ROLES) {
      const { status, message } = await call(role, closing)
      assert.equal(status === 403 && message.includes('role may not call'), role !== 'owner', `${role} → ${closing}: ${status} ${message}`)
    }
  })
})
