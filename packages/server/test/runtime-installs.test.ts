/**
 * What an installation runs through: register / unregister when `updateBot` changes it, its webhook URL relayed
 * to the integration, and actions called on the integration or on the bot. The handlers are real HTTP servers.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachStore } from './support.js'
import { expectApiError } from './admin-support.js'
import { closedPort, eventually, setupChat, startHandler, type ChatSetup, type Handler } from './runtime-support.js'

const fast = { runtimeTimeoutMs: 1_000, deliveryBackoffMs: 20, deliveryPollMs: 50 }

describeEachStore(
  'runtime: webhooks, registration and actions',
  ({ server }) => {
    let botHandler: Handler
    let integrationHandler: Handler
    let chat: ChatSetup
    before(async () => {
      botHandler = await startHandler((r) => {
        if (r.headers['x-bp-operation'] !== 'action_triggered') return {}
        return r.body.type === 'double' ? { body: { output: { twice: r.body.input.n * 2 } } } : { status: 400, body: { id: 'err_1', code: 400, type: 'Runtime', message: 'bot action broke' } }
      })
      integrationHandler = await startHandler((r) => {
        const operation = r.headers['x-bp-operation']
        if (operation === 'webhook_received') {
          const { req } = r.body
          return { status: 202, headers: { 'x-echo': req.method }, body: { got: req.body, path: req.path, query: req.query } }
        }
        if (operation === 'action_triggered') {
          const { a, b } = r.body.input
          if (a === 13) return { status: 400, body: { id: 'err_2', code: 400, type: 'Runtime', message: 'unlucky number' } }
          if (a === 500) return { status: 500, body: 'boom' }
          if (a === 999) return { hang: true }
          return { body: { output: { total: a + b }, meta: { cost: 0 } } }
        }
        return {}
      })
      chat = await setupChat(
        server(),
        { botUrl: botHandler.url, integrationUrl: integrationHandler.url },
        { actions: { double: { input: { schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } }, output: { schema: {} } }, explode: { input: { schema: {} }, output: { schema: {} } } } },
      )
    })
    after(async () => {
      await botHandler.close()
      await integrationHandler.close()
    })

    it('installing sends register with the webhook URL before updateBot answers, and records the status', async () => {
      assert.equal(chat.webhookUrl, `${server().url}/webhooks/${chat.webhookId}`)
      const register = integrationHandler.operations('register')
      assert.equal(register.length, 1)
      assert.deepEqual(register[0]!.body, { webhookUrl: chat.webhookUrl })
      assert.equal(register[0]!.headers['x-webhook-id'], chat.webhookId)
      const { bot } = await chat.admin.getBot({ id: chat.botId })
      assert.equal(bot.integrations.chat!.status, 'registered')
      assert.equal(bot.integrations.chat!.statusReason, null)
    })

    it('any method on the webhook URL, and below it, is relayed as webhook_received; the answer is what the caller gets', async () => {
      const response = await fetch(`${chat.webhookUrl}/inbox/7?x=1&y=2`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'raw text' })
      assert.equal(response.status, 202)
      assert.equal(response.headers.get('x-echo'), 'PUT')
      assert.deepEqual(await response.json(), { got: 'raw text', path: '/inbox/7', query: 'x=1&y=2' })
      const relayed = integrationHandler.operations('webhook_received').at(-1)!
      assert.equal(relayed.body.req.headers['content-type'], 'text/plain')
      const plain = await fetch(chat.webhookUrl, { method: 'POST', body: JSON.stringify({ text: 'hi' }) })
      assert.equal(plain.status, 202)
      assert.equal((await plain.json()).path, '')
      const unknown = await fetch(`${server().url}/webhooks/nope`, { method: 'POST', body: '{}' })
      assert.equal(unknown.status, 404)
      assert.equal((await unknown.json()).type, 'ResourceNotFound')
    })

    it("callAction validates the input against the action's schema, naming the field, and calls nothing", async () => {
      const before = integrationHandler.operations('action_triggered').length
      await expectApiError(chat.bot.callAction({ type: 'chat:sum', input: { a: 1 } }), { code: 400, type: 'InvalidPayload', message: /input\.b/ })
      await expectApiError(chat.bot.callAction({ type: 'chat:sum', input: { a: 'x', b: 1 } }), { code: 400, type: 'InvalidPayload', message: /input\.a/ })
      await expectApiError(chat.bot.callAction({ type: 'chat:nope', input: {} }), { code: 404, type: 'ResourceNotFound' })
      assert.equal(integrationHandler.operations('action_triggered').length, before)
    })

    it("callAction sends action_triggered and answers the integration's output; its failures come back naming it", async () => {
      const result = await chat.bot.callAction({ type: 'chat:sum', input: { a: 2, b: 3 } })
      assert.deepEqual(result.output, { total: 5 })
      const sent = integrationHandler.operations('action_triggered').at(-1)!
      assert.deepEqual(sent.body, { type: 'sum', input: { a: 2, b: 3 } })
      await expectApiError(chat.bot.callAction({ type: 'chat:sum', input: { a: 13, b: 0 } }), { code: 400, type: 'Runtime', message: /unlucky number/ })
      await expectApiError(chat.bot.callAction({ type: 'chat:sum', input: { a: 500, b: 0 } }), { code: 400, type: 'Runtime', message: /integration "chat"/ })
      await expectApiError(chat.bot.callAction({ type: 'chat:sum', input: { a: 999, b: 0 } }), { code: 504, type: 'OperationTimeout', message: /integration "chat"/ })
      const { data } = await eventually(
        () => chat.admin.listActionRuns({ id: chat.botId, integrationName: 'chat' }),
        (r) => r.data.length >= 4,
      )
      const success = data.find((run) => run.status === 'SUCCESS')!
      assert.deepEqual(success.output, { total: 5 })
      assert.equal(data.filter((run) => run.status === 'FAILURE').length >= 3, true)
    })

    it("a bot's own action goes to the bot", async () => {
      assert.deepEqual((await chat.bot.callAction({ type: 'double', input: { n: 21 } })).output, { twice: 42 })
      assert.equal(botHandler.operations('action_triggered').at(-1)!.headers['x-bp-type'], 'double')
      await expectApiError(chat.bot.callAction({ type: 'double', input: {} }), { code: 400, type: 'InvalidPayload', message: /input\.n/ })
      await expectApiError(chat.bot.callAction({ type: 'explode', input: {} }), { code: 400, type: 'Runtime', message: /bot action broke/ })
    })

    it('disabling sends unregister; enabling again registers; removing unregisters and the webhook is gone', async () => {
      const disabled = await chat.admin.updateBot({ id: chat.botId, integrations: { chat: { enabled: false } } } as never)
      assert.equal(disabled.bot.integrations.chat!.status, 'unregistered')
      assert.equal(integrationHandler.operations('unregister').length, 1)
      const webhook = await fetch(chat.webhookUrl, { method: 'POST', body: '{}' })
      assert.equal(webhook.status, 400)
      await expectApiError(chat.bot.callAction({ type: 'chat:sum', input: { a: 1, b: 1 } }), { code: 400, type: 'InvalidPayload' })
      const enabled = await chat.admin.updateBot({ id: chat.botId, integrations: { chat: { enabled: true } } } as never)
      assert.equal(enabled.bot.integrations.chat!.status, 'registered')
      assert.equal(integrationHandler.operations('register').length, 2)
      await chat.admin.updateBot({ id: chat.botId, integrations: { chat: null } } as never)
      assert.equal(integrationHandler.operations('unregister').length, 2)
      assert.equal((await fetch(chat.webhookUrl, { method: 'POST', body: '{}' })).status, 404)
    })

    it('an integration that cannot be reached leaves the install registration_failed, with the reason', async () => {
      const { integration } = await chat.admin.createIntegration({ name: `down-${Date.now()}`, version: '0.1.0', dev: true, url: await closedPort() } as never)
      const { bot } = await chat.admin.updateBot({ id: chat.botId, integrations: { down: { integrationId: integration.id, enabled: true } } } as never)
      assert.equal(bot.integrations.down!.status, 'registration_failed')
      assert.match(bot.integrations.down!.statusReason ?? '', /could not be reached/)
    })

    it('integrations keyed by integration id (no x-multiple-integrations, as bp deploy sends them) install under the name', async () => {
      const name = `byid-${Date.now()}`
      const { integration } = await chat.admin.createIntegration({ name, version: '0.1.0', dev: true, url: integrationHandler.url } as never)
      const { bot } = await chat.admin.updateBot({ id: chat.botId, integrations: { [integration.id]: { enabled: true, configuration: {} } } } as never)
      assert.equal(bot.integrations[name]!.id, integration.id)
      assert.equal(bot.integrations[name]!.status, 'registered')
      const again = await chat.admin.updateBot({ id: chat.botId, integrations: { [integration.id]: { enabled: true, configuration: { changed: true } } } } as never)
      assert.deepEqual(again.bot.integrations[name]!.configuration, { changed: true })
      assert.equal(Object.keys(again.bot.integrations).filter((alias) => again.bot.integrations[alias]!.id === integration.id).length, 1)
    })

    it('a second bp deploy (0.8.x: the id keyed, getBot\'s alias nulled) keeps the installation and its webhook; the alias alone nulled removes it', async () => {
      const name = `redeploy-${Date.now()}`
      const { integration } = await chat.admin.createIntegration({ name, version: '0.1.0', dev: true, url: integrationHandler.url } as never)
      const first = await chat.admin.updateBot({ id: chat.botId, integrations: { [integration.id]: { enabled: true, configuration: {} } } } as never)
      const installed = first.bot.integrations[name]!
      const unregistersBefore = integrationHandler.operations('unregister').length
      // The CLI's prepareUpdateBotBody: setNullOnMissingValues(local keyed by id, remote keyed by alias).
      const second = await chat.admin.updateBot({ id: chat.botId, integrations: { [integration.id]: { enabled: true, configuration: { again: 1 } }, [name]: null } } as never)
      const kept = second.bot.integrations[name]
      assert.ok(kept, 'still installed')
      assert.equal(kept.id, integration.id)
      assert.equal(kept.webhookId, installed.webhookId, 'the same webhook URL')
      assert.deepEqual(kept.configuration, { again: 1 })
      assert.equal(integrationHandler.operations('unregister').length, unregistersBefore, 'no unregister')

      // A new version of the same name, deployed the same way, replaces the old one under the alias.
      const { integration: next } = await chat.admin.createIntegration({ name, version: '0.2.0', dev: true, url: integrationHandler.url } as never)
      const upgraded = await chat.admin.updateBot({ id: chat.botId, integrations: { [next.id]: { enabled: true, configuration: {} }, [name]: null } } as never)
      assert.equal(upgraded.bot.integrations[name]?.id, next.id)
      assert.equal(upgraded.bot.integrations[name]?.version, '0.2.0')

      // The integration gone from the bot's definition: the CLI sends only the alias, nulled.
      const removed = await chat.admin.updateBot({ id: chat.botId, integrations: { [name]: null } } as never)
      assert.equal(removed.bot.integrations[name], undefined)
    })
  },
  fast,
)
