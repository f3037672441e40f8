import { it } from 'node:test'
import assert from 'node:assert/strict'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount, expectApiError } from './admin-support.js'
import { icon, objectSchema, uniqueName } from './integrations-helpers.js'

describeEachStore('interfaces', ({ server }) => {
  const client = () => clientFor(server())

  const definition = (name: string, version = '1.0.0') => ({
    name,
    version,
    entities: { item: { title: 'Item', schema: objectSchema({ id: { type: 'string' } }) } },
    actions: { createItem: { input: { schema: objectSchema() }, output: { schema: objectSchema() } } },
    events: { itemCreated: { schema: objectSchema() } },
    channels: { main: { messages: { text: { schema: objectSchema({ text: { type: 'string' } }) } } } },
    nameTemplate: { script: '{{alias}}{{pascalCase name}}', language: 'handlebars' },
  })

  it('creates an interface and reads it by id and by name, latest or by range', async () => {
    const name = uniqueName('creatable')
    const { interface: created } = await client().createInterface({ ...definition(name), icon, description: 'Things that can be created' })
    assert.match(created.id, /^intf_/)
    assert.equal(created.title, name)
    assert.equal(created.description, 'Things that can be created')
    assert.equal(created.public, false)
    assert.deepEqual(created.nameTemplate, { script: '{{alias}}{{pascalCase name}}', language: 'handlebars' })
    assert.deepEqual(Object.keys(created.entities), ['item'])
    assert.equal((await fetch(created.iconUrl)).status, 200)
    assert.deepEqual((await client().getInterface({ id: created.id })).interface, created)
    await client().createInterface(definition(name, '1.5.0'))
    assert.equal((await client().getInterfaceByName({ name, version: 'latest' })).interface.version, '1.5.0')
    assert.equal((await client().getInterfaceByName({ name, version: '~1.0.0' })).interface.id, created.id)
    await expectApiError(client().getInterfaceByName({ name, version: 'not a range!' }), { code: 400, type: 'InvalidPayload', message: /version/ })
  })

  it('refuses bad input naming the field, and duplicates with AlreadyExists', async () => {
    const name = uniqueName('dup')
    await expectApiError(client().createInterface({ name: 'Bad Name', version: '1.0.0' }), { code: 400, type: 'InvalidPayload', message: /"name"/ })
    await expectApiError(client().createInterface({ name, version: '1.0' }), { code: 400, type: 'InvalidPayload', message: /"version"/ })
    await expectApiError(client().createInterface({ name, version: '1.0.0', entities: { e: { schema: { type: 'nope' } } } }), {
      code: 400,
      type: 'InvalidJsonSchema',
      message: /entities\.e\.schema/,
    })
    await expectApiError(client().createInterface({ name, version: '1.0.0', title: '' } as any), { code: 400, type: 'InvalidPayload', message: /title/ })
    assert.equal((await client().listInterfaces({ name })).interfaces.length, 0)
    await client().createInterface({ name, version: '1.0.0' })
    await expectApiError(client().createInterface({ name, version: '1.0.0' }), { code: 409, type: 'AlreadyExists', message: /already exists in this workspace/ })
  })

  it('updates an interface: maps merge and null removes; a public one only changes its presentation', async () => {
    const { interface: created } = await client().createInterface(definition(uniqueName('upd')))
    const { interface: updated } = await client().updateInterface({
      id: created.id,
      title: 'Updated',
      actions: { createItem: null, deleteItem: { input: { schema: objectSchema() }, output: { schema: objectSchema() } } },
      channels: { main: { messages: { image: { schema: objectSchema() } } } },
      nameTemplate: null,
      attributes: { category: 'crm' },
    })
    assert.equal(updated.title, 'Updated')
    assert.deepEqual(Object.keys(updated.actions), ['deleteItem'])
    assert.deepEqual(Object.keys(updated.channels.main!.messages).sort(), ['image', 'text'])
    assert.equal(updated.nameTemplate, undefined)
    assert.deepEqual(updated.attributes, { category: 'crm' })
    assert.deepEqual(updated.entities, created.entities)

    const published = await client().updateInterface({ id: created.id, public: true })
    assert.equal(published.interface.public, true)
    await expectApiError(client().updateInterface({ id: created.id, entities: { other: { schema: objectSchema() } } }), { code: 400, type: 'BreakingChanges', message: /"entities"/ })
    await expectApiError(client().updateInterface({ id: 'intf_01J00000000000000000000000', title: 'x' }), { code: 404, type: 'ResourceNotFound' })
  })

  it('lists interfaces by name and version with pagination', async () => {
    const name = uniqueName('lst')
    for (const version of ['0.1.0', '0.2.0', '1.0.0']) await client().createInterface({ name, version })
    const all = await client().listInterfaces({ name })
    assert.deepEqual(all.interfaces.map((i) => i.version), ['1.0.0', '0.2.0', '0.1.0'])
    assert.deepEqual((await client().listInterfaces({ name, version: '0.2.0' })).interfaces.map((i) => i.version), ['0.2.0'])
    assert.deepEqual((await client().listInterfaces({ name, version: 'latest' })).interfaces.map((i) => i.version), ['1.0.0'])
    const collected = await client().list.interfaces({ name }).collect()
    assert.equal(collected.length, 3)
  })

  it('refuses to delete an interface an integration implements', async () => {
    const { interface: iface } = await client().createInterface(definition(uniqueName('impl')))
    const { integration } = await client().createIntegration({
      name: uniqueName('implementer'),
      version: '1.0.0',
      entities: { thing: { schema: objectSchema() } },
      interfaces: { creatable: { id: iface.id, entities: { item: { name: 'thing' } } } },
    })
    assert.deepEqual(integration.interfaces.creatable, {
      id: iface.id,
      name: iface.name,
      version: iface.version,
      entities: { item: { name: 'thing' } },
      actions: {},
      events: {},
      channels: {},
    })
    assert.deepEqual((await client().listIntegrations({ interfaceId: iface.id })).integrations.map((i) => i.id), [integration.id])
    assert.deepEqual((await client().listIntegrations({ interfaceName: iface.name })).integrations.map((i) => i.id), [integration.id])
    await expectApiError(
      client().createIntegration({ name: uniqueName('bad-impl'), version: '1.0.0', interfaces: { c: { id: iface.id, entities: { item: { name: 'missing' } } } } }),
      { code: 400, type: 'InvalidPayload', message: /interfaces\.c\.entities\.item\.name/ },
    )
    await expectApiError(
      client().createIntegration({ name: uniqueName('bad-impl'), version: '1.0.0', interfaces: { c: { id: iface.id, entities: { nope: { name: 'x' } } } } }),
      { code: 400, type: 'InvalidPayload', message: /interfaces\.c\.entities\.nope/ },
    )
    await expectApiError(client().deleteInterface({ id: iface.id }), { code: 409, type: 'ReferenceConstraint', message: new RegExp(integration.name) })
    await client().updateIntegration({ id: integration.id, interfaces: { creatable: null } })
    assert.deepEqual(await client().deleteInterface({ id: iface.id }), {})
    await expectApiError(client().getInterface({ id: iface.id }), { code: 404, type: 'ResourceNotFound' })
  })

  it('shares public interfaces through the hub and keeps private ones to their workspace', async () => {
    const name = uniqueName('hub')
    const { interface: shared } = await client().createInterface({ ...definition(name), public: true })
    const { interface: hidden } = await client().createInterface(definition(name, '2.0.0'))
    const other = await createOtherAccount(server())
    const stranger = clientFor(server(), { token: other.token, workspaceId: other.workspaceId, botId: other.botId })

    assert.deepEqual((await stranger.listPublicInterfaces({ name })).interfaces.map((i) => i.id), [shared.id])
    assert.equal((await stranger.getPublicInterfaceById({ id: shared.id })).interface.name, name)
    assert.equal((await stranger.getPublicInterface({ name, version: 'latest' })).interface.id, shared.id)
    await expectApiError(stranger.getPublicInterfaceById({ id: hidden.id }), { code: 404, type: 'ResourceNotFound' })
    await expectApiError(stranger.getInterface({ id: shared.id }), { code: 404 })
    await expectApiError(stranger.updateInterface({ id: hidden.id, title: 'x' }), { code: 404 })
    await expectApiError(stranger.deleteInterface({ id: hidden.id }), { code: 404 })
    assert.ok(!(await stranger.listInterfaces({})).interfaces.some((i) => i.name === name))

    // Another workspace may implement a public interface, but not a private one.
    const implementing = await stranger.createIntegration({ name: uniqueName('impl'), version: '1.0.0', interfaces: { i: { id: shared.id } } })
    assert.equal(implementing.integration.interfaces.i!.name, name)
    await expectApiError(stranger.createIntegration({ name: uniqueName('impl'), version: '1.0.0', interfaces: { i: { id: hidden.id } } }), {
      code: 400,
      type: 'ReferenceNotFound',
    })
    await expectApiError(client().deleteInterface({ id: shared.id }), { code: 409, type: 'ReferenceConstraint' })
  })
})
