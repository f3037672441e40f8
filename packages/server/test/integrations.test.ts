import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { icon, insertBotInstalling, objectSchema, readme, uniqueName } from './integrations-helpers.js'

describeEachStore('integrations', ({ server }) => {
  const client = () => clientFor(server())

  const definition = (name: string, version = '1.0.0') => ({
    name,
    version,
    title: 'Acme CRM',
    description: 'Syncs contacts with Acme',
    icon,
    readme,
    configuration: { schema: objectSchema({ apiKey: { type: 'string' } }), identifier: { required: true } },
    configurations: { oauth: { title: 'OAuth', schema: objectSchema() } },
    channels: {
      chat: {
        title: 'Chat',
        messages: { text: { schema: objectSchema({ text: { type: 'string' } }) } },
        conversation: { tags: { threadId: { title: 'Thread' } } },
      },
    },
    actions: { syncContact: { title: 'Sync', input: { schema: objectSchema({ email: { type: 'string' } }) }, output: { schema: objectSchema() } } },
    events: { contactCreated: { schema: objectSchema() } },
    states: { credentials: { type: 'integration' as const, schema: objectSchema() } },
    user: { tags: { contactId: {} }, creation: { enabled: true, requiredTags: ['contactId'] } },
    entities: { contact: { title: 'Contact', schema: objectSchema({ email: { type: 'string' } }) } },
    secrets: { API_SECRET: 's3cret' },
    code: 'export default {}',
  })

  it('creates an integration with its full definition and reads it back by id and by name', async () => {
    const name = uniqueName('crm')
    const { integration } = await client().createIntegration(definition(name))
    assert.match(integration.id, /^intg_/)
    assert.equal(integration.name, name)
    assert.equal(integration.version, '1.0.0')
    assert.equal(integration.title, 'Acme CRM')
    assert.equal(integration.dev, false)
    assert.equal(integration.visibility, 'private')
    assert.equal(integration.public, false)
    assert.equal(integration.verificationStatus, 'unapproved')
    assert.deepEqual(integration.secrets, ['API_SECRET'])
    assert.deepEqual(integration.configuration.identifier, { required: true })
    assert.deepEqual(integration.channels.chat!.conversation.creation, { enabled: false, requiredTags: [] })
    assert.deepEqual(integration.channels.chat!.conversation.tags, { threadId: { title: 'Thread' } })
    assert.deepEqual(integration.user.creation, { enabled: true, requiredTags: ['contactId'] })
    assert.deepEqual(Object.keys(integration.actions), ['syncContact'])
    assert.equal(integration.states.credentials!.type, 'integration')

    const icon = await fetch(integration.iconUrl)
    assert.equal(icon.status, 200)
    assert.match(icon.headers.get('content-type') ?? '', /svg/)
    assert.equal(await (await fetch(integration.readmeUrl)).text(), '# Hello\n')

    const byId = await client().getIntegration({ id: integration.id })
    assert.deepEqual(byId.integration, integration)
    await client().createIntegration({ ...definition(name, '1.2.0'), icon: undefined })
    await client().createIntegration({ ...definition(name, '2.0.0'), icon: undefined })
    assert.equal((await client().getIntegrationByName({ name, version: '1.0.0' })).integration.id, integration.id)
    assert.equal((await client().getIntegrationByName({ name, version: 'latest' })).integration.version, '2.0.0')
    assert.equal((await client().getIntegrationByName({ name, version: '^1.0.0' })).integration.version, '1.2.0')
    await expectApiError(client().getIntegrationByName({ name, version: '3.0.0' }), { code: 404, type: 'ResourceNotFound' })
  })

  it('refuses bad definitions naming the field, and creates nothing', async () => {
    const name = uniqueName('bad')
    const cases: [object, string, RegExp][] = [
      [{ name: 'Not A Name', version: '1.0.0' }, 'InvalidPayload', /"name"/],
      [{ name, version: 'one' }, 'InvalidPayload', /"version"/],
      [{ name: 'x'.repeat(201), version: '1.0.0' }, 'InvalidPayload', /name/],
      [{ name, version: '1.0.0', dev: true }, 'InvalidPayload', /"url"/],
      [{ name, version: '1.0.0', dev: true, url: 'http://localhost:8080', visibility: 'public' }, 'InvalidPayload', /"visibility"/],
      [{ name, version: '1.0.0', secrets: { 'bad-name': 'x' } }, 'InvalidPayload', /secrets\.bad-name/],
      [{ name, version: '1.0.0', actions: { a: { input: { schema: { type: 12 } }, output: { schema: {} } } } }, 'InvalidJsonSchema', /actions\.a\.input\.schema/],
      [{ name, version: '1.0.0', interfaces: { x: { id: 'intf_01J00000000000000000000000' } } }, 'ReferenceNotFound', /interfaces\.x\.id/],
    ]
    for (const [input, type, message] of cases) {
      await expectApiError(client().createIntegration(input as any), { code: [400], type, message })
      await expectApiError(client().validateIntegrationCreation(input as any), { code: [400], type, message })
    }
    const { integrations } = await client().listIntegrations({ name })
    assert.equal(integrations.length, 0)
  })

  it('answers AlreadyExists for the same name and version in a workspace; validation says so before creating', async () => {
    const name = uniqueName('dup')
    assert.deepEqual(await client().validateIntegrationCreation({ name, version: '1.0.0' }), {})
    await client().createIntegration({ name, version: '1.0.0' })
    await expectApiError(client().createIntegration({ name, version: '1.0.0', title: 'Other' }), { code: 409, type: 'AlreadyExists', message: new RegExp(name) })
    await expectApiError(client().validateIntegrationCreation({ name, version: '1.0.0' }), { code: 409, type: 'AlreadyExists' })
    // Dev integrations are local scratch copies: several may share a name and version.
    const dev = await client().createIntegration({ name, version: '1.0.0', dev: true, url: 'http://127.0.0.1:8075' })
    assert.equal(dev.integration.dev, true)
    assert.equal(dev.integration.url, 'http://127.0.0.1:8075')
    await client().createIntegration({ name, version: '1.0.0', dev: true, url: 'http://127.0.0.1:8076' })
  })

  it('updates a definition: maps merge, null removes, secrets stay hidden; validateIntegrationUpdate changes nothing', async () => {
    const { integration } = await client().createIntegration(definition(uniqueName('upd')))
    assert.deepEqual(await client().validateIntegrationUpdate({ id: integration.id, title: 'Never saved' }), {})
    await expectApiError(client().validateIntegrationUpdate({ id: integration.id, secrets: { lower: 'x' } }), { code: 400, type: 'InvalidPayload', message: /secrets/ })
    const { integration: updated } = await client().updateIntegration({
      id: integration.id,
      title: 'Acme CRM 2',
      actions: { syncContact: null, deleteContact: { input: { schema: objectSchema() }, output: { schema: objectSchema() } } },
      channels: { chat: { messages: { image: { schema: objectSchema() } } } },
      secrets: { API_SECRET: null, OTHER_SECRET: 'x' },
      configuration: { identifier: { required: false } },
      url: 'http://127.0.0.1:9000',
    })
    assert.equal(updated.title, 'Acme CRM 2')
    assert.deepEqual(Object.keys(updated.actions), ['deleteContact'])
    assert.deepEqual(Object.keys(updated.channels.chat!.messages).sort(), ['image', 'text'])
    assert.deepEqual(updated.secrets, ['OTHER_SECRET'])
    assert.equal(updated.configuration.identifier.required, false)
    assert.deepEqual(updated.configuration.schema, integration.configuration.schema)
    assert.equal(updated.url, 'http://127.0.0.1:9000')
    assert.deepEqual(updated.events, integration.events)
    assert.equal((await client().getIntegration({ id: integration.id })).integration.title, 'Acme CRM 2')
    await expectApiError(client().updateIntegration({ id: 'intg_01J00000000000000000000000', title: 'x' }), { code: 404, type: 'ResourceNotFound' })
  })

  it('locks the definition of a public version: only its presentation and visibility change', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('pub'), version: '1.0.0', visibility: 'public' })
    assert.equal(integration.public, true)
    await expectApiError(client().updateIntegration({ id: integration.id, actions: { a: { input: { schema: {} }, output: { schema: {} } } } }), {
      code: 400,
      type: 'BreakingChanges',
      message: /"actions"/,
    })
    const { integration: updated } = await client().updateIntegration({ id: integration.id, title: 'New title', visibility: 'private' })
    assert.equal(updated.title, 'New title')
    assert.equal(updated.visibility, 'private')
  })

  it('lists the workspace integrations with the spec filters and keyset pagination', async () => {
    const prefix = uniqueName('lst')
    for (const version of ['1.0.0', '1.1.0', '2.0.0']) await client().createIntegration({ name: `${prefix}-a`, version, description: 'alpha connector' })
    await client().createIntegration({ name: `${prefix}-b`, version: '1.0.0', visibility: 'public', actions: { sendInvoice: { input: { schema: {} }, output: { schema: {} } } } })
    await client().createIntegration({ name: `${prefix}-c`, version: '1.0.0', dev: true, url: 'http://127.0.0.1:1' })

    const byName = await client().listIntegrations({ name: `${prefix}-a` })
    assert.deepEqual(byName.integrations.map((i) => i.version).sort(), ['1.0.0', '1.1.0', '2.0.0'])
    const latest = await client().listIntegrations({ name: `${prefix}-a`, version: 'latest' })
    assert.deepEqual(latest.integrations.map((i) => i.version), ['2.0.0'])
    const dev = await client().listIntegrations({ dev: true, search: prefix })
    assert.deepEqual(dev.integrations.map((i) => i.name), [`${prefix}-c`])
    const publicOnes = await client().listIntegrations({ visibility: 'public', search: prefix })
    assert.deepEqual(publicOnes.integrations.map((i) => i.name), [`${prefix}-b`])
    const byAction = await client().listIntegrations({ search: 'SendInvoice' })
    const matched = byAction.integrations.find((i) => i.name === `${prefix}-b`)
    assert.deepEqual(matched?.matchedOn, { name: false, title: false, description: false, actions: ['sendInvoice'], interfaces: [] })

    const seen: string[] = []
    let nextToken: string | undefined
    do {
      const page = await client().listIntegrations({ search: prefix, limit: 2, sortBy: 'name', direction: 'asc', nextToken })
      assert.ok(page.integrations.length <= 2)
      seen.push(...page.integrations.map((i) => `${i.name}@${i.version}`))
      nextToken = page.meta.nextToken
    } while (nextToken)
    assert.deepEqual(seen.slice().sort(), seen.slice().sort((a, b) => (a < b ? -1 : 1)))
    assert.equal(seen.length, 4)
    assert.equal(new Set(seen).size, 4)
    await expectApiError(client().listIntegrations({ nextToken: 'garbage' }), { code: 400, type: 'InvalidPayload', message: /nextToken/ })
  })

  it('lists every version of one name in one answer without nextToken (bp deploy 0.8.x would call again forever)', async () => {
    const name = uniqueName('many')
    const versions = Array.from({ length: 23 }, (_, i) => `0.${i}.0`)
    for (const version of versions) await client().createIntegration({ name, version })
    const all = await client().listIntegrations({ name })
    assert.equal(all.meta.nextToken, undefined)
    assert.deepEqual(all.integrations.map((i) => i.version).sort(), versions.slice().sort())
    // Asked for pages, it pages.
    const page = await client().listIntegrations({ name, limit: 5 })
    assert.equal(page.integrations.length, 5)
    assert.ok(page.meta.nextToken)
  })

  it('refuses to delete an integration while a bot installs it, then deletes it with its keys', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('del'), version: '1.0.0' })
    const botId = await insertBotInstalling(server(), server().workspaceId, { integrations: { crm: integration.id } })
    const installed = await client().listIntegrations({ installedByBotId: botId })
    assert.deepEqual(installed.integrations.map((i) => i.id), [integration.id])
    await expectApiError(client().deleteIntegration({ id: integration.id }), { code: 409, type: 'ReferenceConstraint', message: new RegExp(botId) })
    assert.equal((await client().getIntegration({ id: integration.id })).integration.id, integration.id)

    const key = await client().createIntegrationApiKey({ integrationId: integration.id })
    await server().server.store.db.deleteFrom('bots').where('id', '=', botId).execute()
    assert.deepEqual(await client().deleteIntegration({ id: integration.id }), {})
    await expectApiError(client().getIntegration({ id: integration.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(clientFor(server(), { token: key.value }).getIntegration({ id: integration.id }), { code: 401, type: 'Unauthorized' })
  })

  it('integration API keys: shown once, listed without their value, act as their integration only, and revocable', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('iak'), version: '1.0.0' })
    const { integration: other } = await client().createIntegration({ name: uniqueName('iak'), version: '1.0.0' })
    const created = await client().createIntegrationApiKey({ integrationId: integration.id, note: 'ci' })
    assert.match(created.value, /^bp_iak_/)
    assert.equal(created.note, 'ci')
    const { iaks } = await client().listIntegrationApiKeys({ integrationId: integration.id })
    assert.deepEqual(iaks, [{ id: created.id, createdAt: created.createdAt, note: 'ci' }])
    assert.deepEqual((await client().listIntegrationApiKeys({ integrationId: other.id })).iaks, [])

    const asIntegration = clientFor(server(), { token: created.value, botId: undefined })
    assert.equal((await asIntegration.getIntegration({ id: integration.id })).integration.id, integration.id)
    const updated = await asIntegration.updateIntegration({ id: integration.id, description: 'deployed from CI' })
    assert.equal(updated.integration.description, 'deployed from CI')
    const next = await asIntegration.createIntegration({ name: integration.name, version: '1.1.0' })
    assert.equal(next.integration.version, '1.1.0')
    await expectApiError(asIntegration.getIntegration({ id: other.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(asIntegration.createIntegration({ name: other.name, version: '9.0.0' }), { code: 403, type: 'Forbidden' })
    await expectApiError(asIntegration.createIntegrationApiKey({ integrationId: integration.id }), { code: 403, type: 'Forbidden' })
    await expectApiError(asIntegration.listInterfaces({}), { code: 403, type: 'Forbidden' })
    const ownVersions = (await asIntegration.listIntegrations({})).integrations
    assert.deepEqual(ownVersions.map((i) => i.id).sort(), [integration.id, next.integration.id].sort())
    assert.deepEqual((await asIntegration.listIntegrations({ name: other.name })).integrations, [])

    // The key's requests are the integration's logs.
    const { logs } = await client().getIntegrationLogs({ id: integration.id, timeStart: new Date(Date.now() - 60_000).toISOString() })
    assert.ok(logs.some((l) => l.level === 'info' && /^updateIntegration answered 200/.test(l.message)), JSON.stringify(logs))
    assert.ok(logs.some((l) => l.level === 'warn' && /^createIntegrationApiKey answered 403/.test(l.message)))
    const filtered = await client().getIntegrationLogs({ id: integration.id, timeStart: new Date(0).toISOString(), level: 'warn', messageContains: 'ApiKey' })
    assert.ok(filtered.logs.length >= 1 && filtered.logs.every((l) => l.level === 'warn' && l.message.includes('ApiKey')))
    assert.deepEqual((await client().getIntegrationLogs({ id: other.id, timeStart: new Date(0).toISOString() })).logs, [])
    await expectApiError(client().getIntegrationLogs({ id: integration.id, timeStart: 'yesterday' }), { code: 400, type: 'InvalidPayload', message: /timeStart/ })

    assert.deepEqual(await client().deleteIntegrationApiKey({ id: created.id }), {})
    await expectApiError(asIntegration.getIntegration({ id: integration.id }), { code: 401, type: 'Unauthorized' })
    await expectApiError(client().deleteIntegrationApiKey({ id: created.id }), { code: 404, type: 'ResourceNotFound' })
  })

  it('an integration API key acts on the bots that install its integration, and no other bot', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('runtime'), version: '1.0.0' })
    const { value } = await client().createIntegrationApiKey({ integrationId: integration.id })
    const installer = await insertBotInstalling(server(), server().workspaceId, { integrations: { crm: integration.id } })
    const onInstaller = clientFor(server(), { token: value, botId: installer })
    assert.deepEqual((await onInstaller.listUsers({})).users, [])
    await expectApiError(clientFor(server(), { token: value, botId: server().botId }).listUsers({}), { code: 404, type: 'ResourceNotFound' })
    const other = await createOtherAccount(server())
    await expectApiError(clientFor(server(), { token: value, botId: other.botId, workspaceId: undefined }).listUsers({}), { code: 404 })
  })

  it('never shows or changes another workspace’s integrations', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('iso'), version: '1.0.0' })
    const key = await client().createIntegrationApiKey({ integrationId: integration.id })
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    await expectApiError(stranger.getIntegration({ id: integration.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(stranger.getIntegrationByName({ name: integration.name, version: '1.0.0' }), { code: 404 })
    await expectApiError(stranger.updateIntegration({ id: integration.id, title: 'hijacked' }), { code: 404 })
    await expectApiError(stranger.deleteIntegration({ id: integration.id }), { code: 404 })
    await expectApiError(stranger.createIntegrationApiKey({ integrationId: integration.id }), { code: 404 })
    await expectApiError(stranger.listIntegrationApiKeys({ integrationId: integration.id }), { code: 404 })
    await expectApiError(stranger.deleteIntegrationApiKey({ id: key.id }), { code: 404 })
    await expectApiError(stranger.getIntegrationLogs({ id: integration.id, timeStart: new Date(0).toISOString() }), { code: 404 })
    await expectApiError(stranger.listIntegrations({ installedByBotId: server().botId }), { code: 404 })
    assert.ok(!(await stranger.listIntegrations({})).integrations.some((i) => i.id === integration.id))
    // The stranger's own workspace may reuse the name and version of a private integration.
    await stranger.createIntegration({ name: integration.name, version: '1.0.0' })
    // A PAT cannot reach a workspace it is not a member of.
    const intruder = clientFor(server(), { token: other.token, workspaceId: server().workspaceId })
    await expectApiError(intruder.listIntegrations({}), { code: 404 })
    assert.equal((await client().getIntegration({ id: integration.id })).integration.title, integration.title)
  })

  it('publishes public integrations in this server’s hub, for every workspace', async () => {
    const name = uniqueName('hub')
    const { integration: listed } = await client().createIntegration({ name, version: '1.0.0', visibility: 'public', title: 'Hub one' })
    const { integration: unlisted } = await client().createIntegration({ name, version: '1.1.0', visibility: 'unlisted' })
    const { integration: privateOne } = await client().createIntegration({ name, version: '1.2.0' })
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    await insertBotInstalling(server(), other.workspaceId, { integrations: { hub: listed.id } })

    const hub = await stranger.listPublicIntegrations({ name })
    assert.deepEqual(hub.integrations.map((i) => i.id), [listed.id])
    assert.equal(hub.integrations[0]!.ownerWorkspace.id, server().workspaceId)
    assert.deepEqual(hub.integrations[0]!.meta, { installs: 1, views: 0 })
    await client().createIntegration({ name: `${name}-unused`, version: '1.0.0', visibility: 'public' })
    const popular = await stranger.listPublicIntegrations({ search: name, sortBy: 'installCount', direction: 'desc' })
    assert.deepEqual(popular.integrations.map((i) => [i.name, i.meta.installs]), [[name, 1], [`${name}-unused`, 0]])
    const byId = await stranger.getPublicIntegrationById({ id: unlisted.id })
    assert.equal(byId.integration.visibility, 'unlisted')
    assert.equal((await stranger.getPublicIntegration({ name, version: 'latest' })).integration.id, unlisted.id)
    assert.equal((await stranger.getPublicIntegration({ name, version: '1.0.0' })).integration.meta.installs, 1)
    await expectApiError(stranger.getPublicIntegrationById({ id: privateOne.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(stranger.getPublicIntegration({ name, version: '1.2.0' }), { code: 404 })
    // A shared name@version is one definition server-wide.
    await expectApiError(stranger.createIntegration({ name, version: '1.0.0', visibility: 'public' }), { code: 409, type: 'AlreadyExists', message: /another workspace/ })
    // And a public integration in use by another workspace's bot cannot be deleted.
    await expectApiError(client().deleteIntegration({ id: listed.id }), { code: 409, type: 'ReferenceConstraint' })
  })

  it('manages the shareable id of an integration installed on a bot', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('share'), version: '1.0.0' })
    const { integration: notInstalled } = await client().createIntegration({ name: uniqueName('share'), version: '1.0.0' })
    const botId = await insertBotInstalling(server(), server().workspaceId, { integrations: { crm: integration.id } })
    await expectApiError(client().getIntegrationShareableId({ botId, integrationId: integration.id }), { code: 404 })
    const { shareableId } = await client().createIntegrationShareableId({ botId, integrationId: integration.id })
    assert.ok(shareableId.length >= 12)
    assert.deepEqual(await client().getIntegrationShareableId({ botId, integrationId: integration.id }), { shareableId, isExpired: false })
    assert.deepEqual(await client().getIntegrationShareableId({ botId, integrationId: 'ignored', integrationInstanceAlias: 'crm' }), { shareableId, isExpired: false })
    const renewed = await client().createIntegrationShareableId({ botId, integrationId: integration.id })
    assert.notEqual(renewed.shareableId, shareableId)
    assert.deepEqual(await client().deleteIntegrationShareableId({ botId, integrationId: integration.id }), {})
    await expectApiError(client().getIntegrationShareableId({ botId, integrationId: integration.id }), { code: 404 })
    await expectApiError(client().createIntegrationShareableId({ botId, integrationId: notInstalled.id }), { code: 404, message: /installed/ })
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    await expectApiError(stranger.createIntegrationShareableId({ botId, integrationId: integration.id }), { code: 404, type: 'ResourceNotFound' })
  })

  it('answers requestIntegrationVerification with a clear error: there is no reviewer on a self-hosted server', async () => {
    const { integration } = await client().createIntegration({ name: uniqueName('verify'), version: '1.0.0' })
    await expectApiError(client().requestIntegrationVerification({ integrationId: integration.id }), { code: 405, type: 'MethodNotFound', message: /self-hosted/ })
    await expectApiError(client().requestIntegrationVerification({ integrationId: 'intg_01J00000000000000000000000' }), { code: 404 })
    assert.equal((await client().getIntegration({ id: integration.id })).integration.verificationStatus, 'unapproved')
  })
})
