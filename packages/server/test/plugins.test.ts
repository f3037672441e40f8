import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { insertBotInstalling, objectSchema, readme, uniqueName } from './integrations-helpers.js'

describeEachStore('plugins', ({ server }) => {
  const client = () => clientFor(server())
  const code = { node: 'module.exports = { node: true }', browser: 'export default { browser: true }' }

  it('creates a plugin, reads it by id and by name, and serves its code per platform', async () => {
    const name = uniqueName('analytics')
    const { plugin } = await client().createPlugin({
      name,
      version: '1.0.0',
      code,
      readme,
      configuration: { schema: objectSchema({ trackingId: { type: 'string' } }) },
      states: { counters: { type: 'bot', schema: objectSchema(), expiry: 60_000 } },
      actions: { track: { input: { schema: objectSchema() }, output: { schema: objectSchema() } } },
      user: { tags: { segment: { title: 'Segment' } } },
    })
    assert.match(plugin.id, /^plug_/)
    assert.equal(plugin.visibility, 'private')
    assert.equal(plugin.lifecycleStatus, 'published')
    assert.deepEqual(plugin.dependencies, { interfaces: {}, integrations: {} })
    assert.deepEqual(plugin.conversation, { tags: {} })
    assert.equal(plugin.states.counters!.expiry, 60_000)
    assert.equal(await (await fetch(plugin.readmeUrl)).text(), '# Hello\n')
    assert.equal(plugin.iconUrl, '')
    assert.deepEqual((await client().getPlugin({ id: plugin.id })).plugin, plugin)
    assert.equal((await client().getPluginByName({ name, version: 'latest' })).plugin.id, plugin.id)
    assert.equal((await client().getPluginCode({ id: plugin.id, platform: 'node' })).code, code.node)
    assert.equal((await client().getPluginCode({ id: plugin.id, platform: 'browser' })).code, code.browser)
  })

  it('refuses bad input naming the field, and duplicates with AlreadyExists', async () => {
    const name = uniqueName('bad')
    await expectApiError(client().createPlugin({ name, version: '1.0.0' } as any), { code: 400, type: 'InvalidPayload', message: /code/ })
    await expectApiError(client().createPlugin({ name: '-x', version: '1.0.0', code }), { code: 400, type: 'InvalidPayload', message: /"name"/ })
    await expectApiError(client().createPlugin({ name, version: 'v1', code }), { code: 400, type: 'InvalidPayload', message: /"version"/ })
    await expectApiError(client().createPlugin({ name, version: '1.0.0', code, dependencies: { integrations: { crm: { name: 'no-such-integration', version: '1.0.0' } } } }), {
      code: 400,
      type: 'ReferenceNotFound',
      message: /dependencies\.integrations\.crm/,
    })
    await expectApiError(client().createPlugin({ name, version: '1.0.0', code, dependencies: { interfaces: { x: {} } } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /dependencies\.interfaces\.x/,
    })
    assert.equal((await client().listPlugins({ name })).plugins.length, 0)
    await client().createPlugin({ name, version: '1.0.0', code })
    await expectApiError(client().createPlugin({ name, version: '1.0.0', code }), { code: 409, type: 'AlreadyExists' })
  })

  it('updates a plugin: definitions merge, code changes per platform, null removes the configuration', async () => {
    const { plugin } = await client().createPlugin({
      name: uniqueName('upd'),
      version: '1.0.0',
      code,
      configuration: { schema: objectSchema({ a: { type: 'string' } }) },
      events: { seen: { schema: objectSchema() } },
    })
    const { plugin: updated } = await client().updatePlugin({
      id: plugin.id,
      description: 'now with more',
      events: { seen: null, clicked: { schema: objectSchema(), attributes: { kind: 'ui' } } },
      code: { browser: 'export default 2' },
      configuration: null,
    })
    assert.equal(updated.description, 'now with more')
    assert.deepEqual(Object.keys(updated.events), ['clicked'])
    assert.deepEqual(updated.events.clicked!.attributes, { kind: 'ui' })
    assert.deepEqual(updated.configuration, { schema: {} })
    assert.equal((await client().getPluginCode({ id: plugin.id, platform: 'browser' })).code, 'export default 2')
    assert.equal((await client().getPluginCode({ id: plugin.id, platform: 'node' })).code, code.node)
  })

  it('resolves dependencies and dereferences interface entities through the backing integration', async () => {
    const { interface: iface } = await client().createInterface({
      name: uniqueName('listable'),
      version: '1.0.0',
      entities: { item: { schema: objectSchema({ id: { type: 'string' } }) } },
    })
    const { integration } = await client().createIntegration({
      name: uniqueName('store'),
      version: '1.0.0',
      entities: { product: { schema: objectSchema({ id: { type: 'string' }, price: { type: 'number' } }) } },
      interfaces: { listable: { id: iface.id, entities: { item: { name: 'product' } } } },
    })
    const itemRef = { $ref: 'interface:items/entities/item' }
    const { plugin } = await client().createPlugin({
      name: uniqueName('catalog'),
      version: '1.0.0',
      code,
      dependencies: { interfaces: { items: { name: iface.name, version: 'latest' } }, integrations: { store: { id: integration.id } } },
      actions: { show: { input: { schema: objectSchema({ item: itemRef }) }, output: { schema: objectSchema() } } },
      states: { last: { type: 'user', schema: objectSchema({ item: itemRef }) } },
    })
    assert.deepEqual(plugin.dependencies, {
      interfaces: { items: { id: iface.id, name: iface.name, version: '1.0.0' } },
      integrations: { store: { id: integration.id, name: integration.name, version: '1.0.0' } },
    })
    const { plugin: dereferenced } = await client().getDereferencedPlugin({ id: plugin.id, interfaces: { items: integration.id } })
    const productSchema = objectSchema({ id: { type: 'string' }, price: { type: 'number' } })
    assert.deepEqual(dereferenced.actions.show!.input.schema, objectSchema({ item: productSchema }))
    assert.deepEqual(dereferenced.states.last!.schema, objectSchema({ item: productSchema }))
    // The stored plugin keeps its references.
    assert.deepEqual((await client().getPlugin({ id: plugin.id })).plugin.actions.show!.input.schema, objectSchema({ item: itemRef }))
    await expectApiError(client().getDereferencedPlugin({ id: plugin.id, interfaces: { other: integration.id } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /interfaces\.other/,
    })
    const { integration: unrelated } = await client().createIntegration({ name: uniqueName('unrelated'), version: '1.0.0' })
    await expectApiError(client().getDereferencedPlugin({ id: plugin.id, interfaces: { items: unrelated.id } }), {
      code: 400,
      type: 'InvalidPayload',
      message: /does not implement/,
    })
    // Shared, the plugin dereferences through the hub with the caller's own integrations, never another workspace's private ones.
    await client().updatePlugin({ id: plugin.id, visibility: 'public' })
    const viaHub = await client().getDereferencedPublicPluginById({ id: plugin.id, interfaces: { items: integration.id } })
    assert.deepEqual(viaHub.plugin.states.last!.schema, objectSchema({ item: productSchema }))
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })
    await expectApiError(stranger.getDereferencedPublicPluginById({ id: plugin.id, interfaces: { items: integration.id } }), {
      code: 400,
      message: /doesn't exist/,
    })
    // Dependencies are references: neither the interface nor the integration can go while the plugin needs them.
    await expectApiError(client().deleteInterface({ id: iface.id }), { code: 409, type: 'ReferenceConstraint', message: /plugin/ })
    await expectApiError(client().deleteIntegration({ id: integration.id }), { code: 409, type: 'ReferenceConstraint', message: /plugin/ })
  })

  it('lists plugins, and refuses to delete one a bot installs', async () => {
    const name = uniqueName('lst')
    const { plugin: first } = await client().createPlugin({ name, version: '1.0.0', code })
    await client().createPlugin({ name, version: '1.1.0', code })
    assert.deepEqual((await client().listPlugins({ name })).plugins.map((p) => p.version), ['1.1.0', '1.0.0'])
    assert.deepEqual((await client().listPlugins({ name, version: '1.0.0' })).plugins.map((p) => p.id), [first.id])
    const botId = await insertBotInstalling(server(), server().workspaceId, { plugins: { analytics: first.id } })
    await expectApiError(client().deletePlugin({ id: first.id }), { code: 409, type: 'ReferenceConstraint', message: new RegExp(botId) })
    await server().server.store.db.deleteFrom('bots').where('id', '=', botId).execute()
    assert.deepEqual(await client().deletePlugin({ id: first.id }), {})
    await expectApiError(client().getPlugin({ id: first.id }), { code: 404, type: 'ResourceNotFound' })
    assert.deepEqual((await client().listPlugins({ name })).plugins.map((p) => p.version), ['1.1.0'])
  })

  it('shares public plugins through the hub and keeps private ones to their workspace', async () => {
    const name = uniqueName('hub')
    const { plugin: shared } = await client().createPlugin({ name, version: '1.0.0', code, visibility: 'public' })
    const { plugin: unlisted } = await client().createPlugin({ name, version: '1.1.0', code, visibility: 'unlisted' })
    const { plugin: hidden } = await client().createPlugin({ name, version: '2.0.0', code })
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })

    assert.deepEqual((await stranger.listPublicPlugins({ name })).plugins.map((p) => p.id), [shared.id])
    assert.equal((await stranger.getPublicPluginById({ id: unlisted.id })).plugin.visibility, 'unlisted')
    assert.equal((await stranger.getPublicPlugin({ name, version: 'latest' })).plugin.id, unlisted.id)
    assert.equal((await stranger.getPublicPluginCode({ id: shared.id, platform: 'node' })).code, code.node)
    await expectApiError(stranger.getPublicPluginById({ id: hidden.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(stranger.getPublicPluginCode({ id: hidden.id, platform: 'node' }), { code: 404 })
    await expectApiError(stranger.getPlugin({ id: shared.id }), { code: 404 })
    await expectApiError(stranger.getPluginCode({ id: hidden.id, platform: 'node' }), { code: 404 })
    await expectApiError(stranger.updatePlugin({ id: hidden.id, title: 'x' }), { code: 404 })
    await expectApiError(stranger.deletePlugin({ id: hidden.id }), { code: 404 })
    assert.ok(!(await stranger.listPlugins({})).plugins.some((p) => p.name === name))
    await expectApiError(client().updatePlugin({ id: shared.id, code: { node: 'changed' } }), { code: 400, type: 'BreakingChanges', message: /"code"/ })
  })
})
