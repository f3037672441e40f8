/**
 * Migration 011 turns the `acct_…` account ids of a store written by an earlier bpkit into UUIDs: every
 * reference follows (workspace owner, members, tokens, preferences, audit records, a bot's creator and
 * allowlist), the old tokens still sign in as their account, and the answers conform to the spec.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestServer } from '@bpkit/server'
import { generateToken, hashToken } from '../src/auth/tokens.js'
import { ADMIN_EMAIL } from '../src/bootstrap.js'
import { rawCall } from './chat-helpers.js'
import { assertConforms } from './conformance-support.js'
import { onScratchStore, storeMigratedTo } from './migration-support.js'
import { stores } from './support.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const ADMIN = 'acct_01JD0000000000000000ADM1N0'
/** Not of the ULID form (as in stores made by hand): rewritten all the same, being an account's id. */
const COLLEAGUE = 'acct_colleague'
/** Deleted before the migration: it lives on in an audit record and as a bot's creator. */
const GONE = 'acct_01JD000000000000000000G0NE'
const WORKSPACE = 'wkspace_01JD00000000000000000WKSP1'
const BOT = 'bot_01JD000000000000000000B0T1'
const at = '2026-01-01T00:00:00.000Z'

/** A store as bpkit left it before migration 011, at `database` (and `schema`), with `acct_` account ids. */
async function storeBeforeAccountUuids(database: string, tokens: { admin: string; colleague: string }, schema?: string) {
  const db = await storeMigratedTo('010_log_batches', database, schema)
  const account = (id: string, email: string) => ({ id, email, displayName: email.split('@')[0], profilePicture: null, createdAt: at, updatedAt: at })
  await db.insertInto('accounts').values([account(ADMIN, ADMIN_EMAIL), account(COLLEAGUE, 'colleague@example.com')]).execute()
  await db.insertInto('workspaces').values({ id: WORKSPACE, name: 'w', handle: null, ownerId: ADMIN, data: '{}', createdAt: at, updatedAt: at }).execute()
  await db
    .insertInto('workspaceMembers')
    .values([
      { id: 'mbr_1', workspaceId: WORKSPACE, accountId: ADMIN, role: 'owner', createdAt: at, updatedAt: at },
      { id: 'mbr_2', workspaceId: WORKSPACE, accountId: COLLEAGUE, role: 'developer', createdAt: '2026-01-02T00:00:00.000Z', updatedAt: at },
    ])
    .execute()
  const botData = {
    createdBy: GONE,
    allowlist: { setting: 'SELECTED_USERS', users: [ADMIN, COLLEAGUE] },
    // Not account ids: text that merely starts like one is left as it is.
    configuration: { data: { ledger: 'acct_balance', note: `see ${ADMIN}` }, schema: {} },
  }
  await db.insertInto('bots').values({ id: BOT, workspaceId: WORKSPACE, name: 'b', data: JSON.stringify(botData), createdAt: at, updatedAt: at }).execute()
  const pat = (id: string, token: string, accountId: string) => ({ id, kind: 'pat', hash: hashToken(token), accountId, workspaceId: null, botId: null, integrationId: null, note: 'old', createdAt: at })
  await db.insertInto('tokens').values([pat('tok_1', tokens.admin, ADMIN), pat('tok_2', tokens.colleague, COLLEAGUE)]).execute()
  await db.insertInto('accountPreferences').values({ accountId: ADMIN, key: 'theme', value: '"dark"', updatedAt: at }).execute()
  const record = (id: string, recordedAt: string, userId: string | null, action: string, resourceId: string | null, value: object) => ({
    id,
    workspaceId: WORKSPACE,
    recordedAt,
    userId,
    userEmail: null,
    action,
    resourceId,
    resourceName: null,
    value: JSON.stringify(value),
  })
  await db
    .insertInto('auditRecords')
    .values([
      record('audit_1', '2026-01-01T00:00:01.000Z', ADMIN, 'UNKNOWN', ADMIN, { operation: 'updateAccount' }),
      record('audit_2', '2026-01-01T00:00:02.000Z', GONE, 'CREATE_BOT', BOT, { operation: 'createBot', name: 'b' }),
      record('audit_3', '2026-01-01T00:00:03.000Z', null, 'UPDATE_BOT', BOT, { operation: 'updateBot', by: `bot API key of ${BOT}` }),
    ])
    .execute()
  await db.destroy()
}

for (const store of stores) {
  describe(`account ids written before migration 011 (${store.name})`, () => {
    it('become UUIDs everywhere they are referenced, and the old tokens still sign in as their account', async () => {
      const tokens = { admin: generateToken('pat'), colleague: generateToken('pat') }
      await onScratchStore(store, async ({ database, schema }) => {
        let server: Awaited<ReturnType<typeof startTestServer>> | undefined
        try {
          await storeBeforeAccountUuids(database, tokens, schema)
          server = await startTestServer({ database, postgresSchema: schema, adminToken: tokens.admin })
          const db = server.server.store.db

          const accounts = await db.selectFrom('accounts').selectAll().orderBy('email').execute()
          assert.deepEqual(
            accounts.map((a) => [a.email, a.displayName, a.createdAt]),
            [
              [ADMIN_EMAIL, 'admin', at],
              ['colleague@example.com', 'colleague', at],
            ],
            'the same accounts, e-mails and fields, none lost or doubled',
          )
          for (const a of accounts) assert.match(a.id, UUID)
          const [admin, colleague] = accounts.map((a) => a.id) as [string, string]

          assert.equal((await db.selectFrom('workspaces').select('ownerId').executeTakeFirstOrThrow()).ownerId, admin)
          assert.deepEqual(
            (await db.selectFrom('workspaceMembers').select(['id', 'accountId']).orderBy('id').execute()).map((m) => [m.id, m.accountId]),
            [
              ['mbr_1', admin],
              ['mbr_2', colleague],
            ],
          )
          assert.deepEqual(
            (await db.selectFrom('tokens').select(['id', 'accountId']).orderBy('id').execute()).map((t) => [t.id, t.accountId]),
            [
              ['tok_1', admin],
              ['tok_2', colleague],
            ],
          )
          assert.deepEqual(await db.selectFrom('accountPreferences').select(['accountId', 'key', 'value']).execute(), [{ accountId: admin, key: 'theme', value: '"dark"' }])

          const records = await db.selectFrom('auditRecords').select(['id', 'userId', 'resourceId', 'value']).orderBy('id').execute()
          const gone = records[1]!.userId!
          assert.match(gone, UUID)
          assert.ok(gone !== admin && gone !== colleague)
          assert.deepEqual(
            records.map((r) => [r.id, r.userId, r.resourceId]),
            [
              ['audit_1', admin, admin],
              ['audit_2', gone, BOT],
              ['audit_3', null, BOT],
            ],
          )
          assert.equal(records[2]!.value, JSON.stringify({ operation: 'updateBot', by: `bot API key of ${BOT}` }))

          const botData = JSON.parse((await db.selectFrom('bots').select('data').executeTakeFirstOrThrow()).data)
          assert.equal(botData.createdBy, gone, 'a deleted account gets one UUID, the same in the trail and as a creator')
          assert.deepEqual(botData.allowlist, { setting: 'SELECTED_USERS', users: [admin, colleague] })
          assert.deepEqual(botData.configuration.data, { ledger: 'acct_balance', note: `see ${ADMIN}` })

          const tables = (await db.introspection.getTables()).map((t) => t.name)
          assert.ok(!tables.includes('accountIdRewrites'), 'the mapping table is dropped')

          // Over HTTP: the old tokens are their accounts, and every answer with an account id conforms.
          const call = async (op: Parameters<typeof rawCall>[1], input: Record<string, unknown>, token = tokens.admin) => {
            const answer = await rawCall(server!, op, input, { token, workspaceId: WORKSPACE })
            assert.equal(answer.status, 200, `${op} answered ${answer.status}: ${JSON.stringify(answer.body)}`)
            assertConforms(op, answer.body)
            return answer.body
          }
          assert.equal((await call('getAccount', {})).account.id, admin)
          assert.equal((await call('getAccount', {}, tokens.colleague)).account.id, colleague)
          assert.deepEqual(
            (await call('listWorkspaceMembers', {})).members.map((m: { userId: string }) => m.userId),
            [admin, colleague],
          )
          assert.equal((await call('getWorkspaceMember', {}, tokens.colleague)).userId, colleague)
          assert.equal((await call('getWorkspace', { id: WORKSPACE })).ownerId, admin)
          assert.deepEqual(
            (await call('getAuditRecords', { id: WORKSPACE })).records.map((r: { userId: string | null }) => r.userId),
            [null, gone, admin],
          )
          // (getAccountPreference's schema, a value of any type, is one ajv does not compile: its body is checked as is.)
          assert.deepEqual((await rawCall(server, 'getAccountPreference', { key: 'theme' }, { token: tokens.admin })).body, { value: 'dark' })
          assert.equal((await call('getBot', { id: BOT })).bot.createdBy, gone)
          assert.equal(server.workspaceId, WORKSPACE, 'bpkit env: the first account found again by its e-mail')
          assert.equal(server.botId, BOT)
        } finally {
          await server?.close()
        }
      })
    })
  })
}
