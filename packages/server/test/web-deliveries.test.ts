/**
 * The runtime's outbox for the dashboard (WEB-CONTRACT.md "Deliveries"): a bot's deliveries with every attempt's
 * request and answer, newest first, and "deliver it again" for a settled one; authorised like reading the bot.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import type { Client } from '@bpkit/client'
import { clientFor, describeEachStore } from './support.js'
import { createOtherAccount } from './admin-support.js'
import { addMember } from './members-support.js'
import { closedPort, startHandler, type Handler } from './runtime-support.js'
import { assertBotpressError, openLive, signIn, until, web } from './web-support.js'

describeEachStore(
  'web deliveries',
  ({ server }) => {
    let handler: Handler
    let failing = true
    let botId: string
    let admin: Client

    before(async () => {
      handler = await startHandler(() => (failing ? { status: 400, body: { id: 'err_x', code: 400, type: 'Runtime', message: 'fixture: handler failed' } } : { status: 200, body: {} }))
      admin = clientFor(server(), { botId: undefined })
      const { bot } = await admin.createBot({ name: 'deliveries', dev: true, url: handler.url } as never)
      botId = bot.id
    })
    after(() => handler?.close())

    const list = (query = '', session?: Awaited<ReturnType<typeof signIn>>) =>
      web(server(), session, `/_bpkit/bots/${botId}/deliveries${query}`, session ? {} : { headers: { authorization: `Bearer ${server().token}` } })

    it("lists a bot's deliveries with their attempts: a failed event's request, answer and reason", async () => {
      const { event } = await clientFor(server(), { botId }).createEvent({ type: 'custom', payload: { n: 1 } } as never)
      const failed = await until(async () => {
        const { body } = await list(`?eventId=${event.id}`)
        const d = body.deliveries[0]
        assert.equal(d?.status, 'failed')
        return d
      })
      assert.equal(failed.botId, botId)
      assert.equal(failed.target, 'bot')
      assert.equal(failed.operation, 'event_received')
      assert.equal(failed.type, 'custom')
      assert.equal(failed.eventId, event.id)
      assert.equal(failed.attempts, 1)
      assert.match(failed.lastError, /fixture: handler failed/)
      assert.deepEqual(failed.body.event.payload, { n: 1 })
      assert.equal(failed.attemptsLog.length, 1)
      const [attempt] = failed.attemptsLog
      assert.equal(attempt.status, 400)
      assert.equal(attempt.request.url, handler.url)
      assert.equal(attempt.request.headers['x-bp-operation'], 'event_received')
      assert.match(attempt.response, /fixture: handler failed/)
      assert.equal(typeof attempt.durationMs, 'number')
      assert.ok(attempt.startedAt)
    })

    it('a session redelivers a failed delivery (with the CSRF header); it is sent again and its event processed', async () => {
      const session = await signIn(server())
      const { event } = await clientFor(server(), { botId }).createEvent({ type: 'custom', payload: { n: 2 } } as never)
      const delivery = await until(async () => {
        const d = (await list(`?eventId=${event.id}`, session)).body.deliveries[0]
        assert.equal(d?.status, 'failed')
        return d
      })
      const live = await openLive(server(), `botId=${botId}`, { session })
      assertBotpressError(await web(server(), session, `/_bpkit/deliveries/${delivery.id}/redeliver`, { method: 'POST', csrf: false }), 403, 'Forbidden')
      failing = false
      const again = await web(server(), session, `/_bpkit/deliveries/${delivery.id}/redeliver`, { method: 'POST' })
      assert.equal(again.status, 200, JSON.stringify(again.body))
      assert.deepEqual(again.body, { redelivered: true })
      const delivered = await live.waitFor((e) => e.event === 'delivery' && e.data.delivery.id === delivery.id && e.data.delivery.status === 'delivered')
      assert.equal(delivered.data.delivery.attemptsLog.length, 2)
      await live.waitFor((e) => e.event === 'event' && e.data.event.id === event.id && e.data.event.status === 'processed')
      live.close()
      failing = true
    })

    it('a delivery that is not settled answers 409', async () => {
      const { bot } = await admin.createBot({ name: 'down', dev: true, url: await closedPort() } as never)
      const { event } = await clientFor(server(), { botId: bot.id }).createEvent({ type: 'custom', payload: {} } as never)
      const pending = await until(async () => {
        const { body } = await web(server(), undefined, `/_bpkit/bots/${bot.id}/deliveries?status=pending`, { headers: { authorization: `Bearer ${server().token}` } })
        const d = body.deliveries.find((x: { eventId: string; attempts: number }) => x.eventId === event.id && x.attempts >= 1)
        assert.ok(d, JSON.stringify(body))
        return d
      })
      const answer = await web(server(), undefined, `/_bpkit/deliveries/${pending.id}/redeliver`, { method: 'POST', headers: { authorization: `Bearer ${server().token}` } })
      assertBotpressError(answer, 409, 'ResourceLockedConflict', /not settled/)
    })

    it('filters by status and event, pages newest first with limit and nextToken', async () => {
      const asBot = clientFor(server(), { botId })
      for (let i = 0; i < 3; i++) await asBot.createEvent({ type: 'custom', payload: { page: i } } as never)
      await until(async () => {
        const { body } = await list('?status=pending')
        assert.equal(body.deliveries.length, 0)
      })
      const first = await list('?limit=2&status=failed')
      assert.equal(first.status, 200)
      assert.equal(first.body.deliveries.length, 2)
      assert.ok(first.body.meta.nextToken)
      assert.ok(first.body.deliveries[0].createdAt >= first.body.deliveries[1].createdAt)
      const second = await list(`?limit=2&status=failed&nextToken=${encodeURIComponent(first.body.meta.nextToken)}`)
      assert.ok(second.body.deliveries.length >= 1)
      const ids = new Set([...first.body.deliveries, ...second.body.deliveries].map((d: { id: string }) => d.id))
      assert.equal(ids.size, first.body.deliveries.length + second.body.deliveries.length)
      assert.ok([...first.body.deliveries, ...second.body.deliveries].every((d: { status: string }) => d.status === 'failed'))
    })

    it('bad input answers 400 naming the field', async () => {
      assertBotpressError(await list('?limit=0'), 400, 'InvalidPayload', /"limit"/)
      assertBotpressError(await list('?limit=101'), 400, 'InvalidPayload', /"limit"/)
      assertBotpressError(await list('?limit=abc'), 400, 'InvalidPayload', /"limit"/)
      assertBotpressError(await list('?status=lost'), 400, 'InvalidPayload', /"status"/)
      assertBotpressError(await list('?nextToken=garbage'), 400, 'InvalidPayload', /"nextToken"/)
    })

    it("another account's deliveries are not found; a viewer reads but may not redeliver; no credentials 401", async () => {
      const other = await createOtherAccount(server())
      const asOther = { headers: { authorization: `Bearer ${other.token}` } }
      assertBotpressError(await web(server(), undefined, `/_bpkit/bots/${botId}/deliveries`, asOther), 404, 'ResourceNotFound')
      const { body } = await list('?limit=1')
      const id = body.deliveries[0].id
      assertBotpressError(await web(server(), undefined, `/_bpkit/deliveries/${id}/redeliver`, { method: 'POST', ...asOther }), 404, 'ResourceNotFound')
      assertBotpressError(await web(server(), undefined, '/_bpkit/deliveries/dlvr_nope/redeliver', { method: 'POST', headers: { authorization: `Bearer ${server().token}` } }), 404, 'ResourceNotFound')
      const viewer = await addMember(server(), server().workspaceId, 'viewer')
      const asViewer = { headers: { authorization: `Bearer ${viewer.token}` } }
      assert.equal((await web(server(), undefined, `/_bpkit/bots/${botId}/deliveries`, asViewer)).status, 200)
      assertBotpressError(await web(server(), undefined, `/_bpkit/deliveries/${id}/redeliver`, { method: 'POST', ...asViewer }), 403, 'Forbidden')
      assertBotpressError(await web(server(), undefined, `/_bpkit/bots/${botId}/deliveries`), 401, 'Unauthorized')
    })
  },
  { deliveryAttempts: 3, deliveryBackoffMs: 60_000, deliveryPollMs: 50, runtimeTimeoutMs: 3_000 },
)
