import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newAccountId, newId, newUlid } from '../src/ids.js'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const decodeTime = (ulid: string) => [...ulid.slice(0, 10)].reduce((ms, char) => ms * 32 + CROCKFORD.indexOf(char), 0)

describe('identifiers', () => {
  it('are ULIDs: 26 Crockford base-32 characters starting with the creation time', () => {
    const before = Date.now()
    const id = newUlid()
    const after = Date.now()
    assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/)
    const ms = decodeTime(id)
    assert.ok(ms >= before && ms <= after, `time part ${ms} within [${before}, ${after}]`)
  })

  it('sort in creation order, also when many are made in the same millisecond, and never repeat', () => {
    const ids = Array.from({ length: 20_000 }, () => newUlid())
    assert.deepEqual([...ids].sort(), ids)
    assert.equal(new Set(ids).size, ids.length)
    const sameMillisecond = ids.filter((id, i) => i > 0 && id.slice(0, 10) === ids[i - 1]!.slice(0, 10))
    assert.ok(sameMillisecond.length > 0, 'the run made several ids within one millisecond')
  })

  it('draw a fresh random part in each new millisecond', async () => {
    const first = newUlid()
    await new Promise((resolve) => setTimeout(resolve, 3))
    const second = newUlid()
    assert.notEqual(first.slice(10), second.slice(10))
  })

  it('carry a type prefix within the spec’s 28 to 36 characters', () => {
    for (const kind of ['message', 'conversation', 'workspace', 'integrationLog'] as const) {
      const id = newId(kind)
      assert.ok(id.length >= 28 && id.length <= 36, `${id} has ${id.length} characters`)
    }
  })

  it('of accounts are UUIDs, as the spec’s `format: uuid` for a member’s or audit record’s userId requires', () => {
    const ids = Array.from({ length: 100 }, () => newAccountId())
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.equal(new Set(ids).size, ids.length)
  })
})
