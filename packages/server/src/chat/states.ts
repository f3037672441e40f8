import type { PublicApi } from '@bpkit/spec'
import type { PublicHandlers } from '../handlers.js'
import { notFound } from '../errors.js'
import { newId } from '../ids.js'
import { parseJson } from '../store/json.js'
import type { Db } from '../store/store.js'
import { addMs } from './inputs.js'
import { toState } from './models.js'
import { requireRefs, type Refs } from './refs.js'

type StateType = PublicApi.State['type']
type StateKey = { type: StateType; id: string; name: string }

const stateLabel = (key: StateKey) => `${key.type}/${key.id}/${key.name}`

/** Removes every state of one owner (when the user or conversation it belongs to is deleted). */
export async function deleteStatesOf(db: Db, botId: string, type: StateType, ownerId: string): Promise<void> {
  await db.deleteFrom('states').where('botId', '=', botId).where('type', '=', type).where('ownerId', '=', ownerId).execute()
}

const ownerRefs: Record<StateType, (id: string) => Refs | undefined> = {
  conversation: (id) => ({ conversations: id }),
  user: (id) => ({ users: id }),
  task: (id) => ({ tasks: id }),
  workflow: (id) => ({ workflows: id }),
  // Integrations arrive with a later issue; their states are kept by id until then.
  integration: () => undefined,
  bot: () => undefined,
}

/** A state can only be written for an owner of the bot: the bot itself, or one of its users, conversations, ... */
async function requireOwner(db: Db, botId: string, key: StateKey): Promise<void> {
  if (key.type === 'bot') {
    if (key.id !== botId) throw notFound('Bot', key.id)
    return
  }
  const refs = ownerRefs[key.type](key.id)
  if (refs) await requireRefs(db, botId, refs)
}

const byKey = (db: Db, botId: string, key: StateKey) =>
  db.selectFrom('states').selectAll().where('botId', '=', botId).where('type', '=', key.type).where('ownerId', '=', key.id).where('name', '=', key.name)

/** The live (not expired) state of `key`, if any. */
const findLive = (db: Db, botId: string, key: StateKey, now: string) =>
  byKey(db, botId, key)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]))
    .executeTakeFirst()

/** An expired state is gone: drop it before a write so that the write starts a fresh state. */
const dropExpired = (db: Db, botId: string, key: StateKey, now: string) =>
  db
    .deleteFrom('states')
    .where('botId', '=', botId)
    .where('type', '=', key.type)
    .where('ownerId', '=', key.id)
    .where('name', '=', key.name)
    .where('expiresAt', '<=', now)
    .execute()

/** The store keeps an expiry as whole milliseconds (a bigint column): 1.5 is kept as 2. */
const wholeMs = <T extends number | null>(ms: T): T => (ms === null ? ms : (Math.round(ms) as T))
const expiryOf = (stored: number | string | null | undefined) => (stored === null || stored === undefined ? null : Number(stored))
const expiresAt = (now: string, expiry: number | null) => (expiry === null ? null : addMs(now, expiry))

const newState = (botId: string, key: StateKey, payload: object, expiry: number | null, now: string) => ({
  id: newId('state'),
  botId,
  type: key.type,
  ownerId: key.id,
  name: key.name,
  payload: JSON.stringify(payload),
  expiry,
  expiresAt: expiresAt(now, expiry),
  createdAt: now,
  updatedAt: now,
})

export const stateHandlers: PublicHandlers = {
  async getState(input, ctx) {
    const row = await findLive(ctx.db, await ctx.botId(), input, ctx.now())
    if (!row) throw notFound('State', stateLabel(input))
    return { state: toState(row), meta: { cached: false } }
  },

  async setState(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const row = await ctx.store.transaction(async (trx) => {
      await requireOwner(trx, botId, input)
      await dropExpired(trx, botId, input, now)
      const current = await byKey(trx, botId, input).executeTakeFirst()
      if (input.payload === null) {
        // A null payload clears the state; the answer still carries what the state was, with an empty payload.
        if (current) await trx.deleteFrom('states').where('id', '=', current.id).execute()
        return { ...(current ?? newState(botId, input, {}, null, now)), payload: '{}' }
      }
      // Without `expiry` a state keeps the idle expiry it had; every write restarts the idle clock.
      const expiry = input.expiry !== undefined ? wholeMs(input.expiry) : expiryOf(current?.expiry)
      return trx
        .insertInto('states')
        .values(newState(botId, input, input.payload, expiry, now))
        .onConflict((oc) =>
          oc.columns(['botId', 'type', 'ownerId', 'name']).doUpdateSet({ payload: JSON.stringify(input.payload), expiry, expiresAt: expiresAt(now, expiry), updatedAt: now }),
        )
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { state: toState(row) }
  },

  async getOrSetState(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const row = await ctx.store.transaction(async (trx) => {
      await requireOwner(trx, botId, input)
      await dropExpired(trx, botId, input, now)
      await trx
        .insertInto('states')
        .values(newState(botId, input, input.payload, wholeMs(input.expiry ?? null), now))
        .onConflict((oc) => oc.doNothing())
        .execute()
      return byKey(trx, botId, input).executeTakeFirstOrThrow()
    })
    return { state: toState(row), meta: { cached: false } }
  },

  async patchState(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findLive(trx, botId, input, now)
      if (!current) throw notFound('State', stateLabel(input))
      // A patch merges the top-level keys of the payload into the stored one.
      const payload = { ...parseJson<object>(current.payload, {}), ...input.payload }
      return trx
        .updateTable('states')
        .set({ payload: JSON.stringify(payload), expiresAt: expiresAt(now, expiryOf(current.expiry)), updatedAt: now })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { state: toState(row) }
  },

  async setStateExpiry(input, ctx) {
    const botId = await ctx.botId()
    const now = ctx.now()
    const row = await ctx.store.transaction(async (trx) => {
      const current = await findLive(trx, botId, input, now)
      if (!current) throw notFound('State', stateLabel(input))
      return trx
        .updateTable('states')
        .set({ expiry: wholeMs(input.expiry), expiresAt: expiresAt(now, wholeMs(input.expiry)), updatedAt: now })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    })
    return { state: toState(row) }
  },
}
