import { randomFillSync, randomUUID } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TIME_CHARS = 10
const RANDOM_CHARS = 16

/** Random base-32 digits, drawn from the system in blocks (one system call per 256 ids, not per id). */
const pool = new Uint8Array(RANDOM_CHARS * 256)
let pooled = pool.length

function fillRandomDigits(digits: Uint8Array): void {
  if (pooled === pool.length) {
    randomFillSync(pool)
    pooled = 0
  }
  // 256 is a multiple of 32, so the low five bits of a random byte are a uniform base-32 digit.
  for (let i = 0; i < RANDOM_CHARS; i++) digits[i] = pool[pooled++]! & 31
}

function encodeTime(ms: number): string {
  let text = ''
  for (let i = 0; i < TIME_CHARS; i++) {
    text = CROCKFORD[ms % 32] + text
    ms = Math.floor(ms / 32)
  }
  return text
}

let lastMs = -1
let timeText = ''
const randomDigits = new Uint8Array(RANDOM_CHARS)

/**
 * A ULID: 26 characters, the creation time then 80 random bits. Within one millisecond (or if the clock
 * steps back) the random part is incremented instead of drawn again, so the ids of one process sort in
 * creation order: records created in the same millisecond list in the order they were made.
 */
export function newUlid(): string {
  const now = Date.now()
  if (now > lastMs) {
    lastMs = now
    timeText = encodeTime(now)
    fillRandomDigits(randomDigits)
  } else if (!increment(randomDigits)) {
    // 2^80 ids in one millisecond: move on to the next one.
    lastMs++
    timeText = encodeTime(lastMs)
    fillRandomDigits(randomDigits)
  }
  let text = timeText
  for (let i = 0; i < RANDOM_CHARS; i++) text += CROCKFORD[randomDigits[i]!]
  return text
}

/** Adds one to a base-32 number; false when it wrapped around to zero. */
function increment(digits: Uint8Array): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++
      return true
    }
    digits[i] = 0
  }
  return false
}

/**
 * Identifiers are a type prefix and a ULID, e.g. `conv_01JD...`: sortable by creation time, and within the
 * spec's 28 to 36 characters for every prefix used here. Accounts are the exception: see newAccountId.
 */
export const idPrefixes = {
  workspace: 'wkspace',
  bot: 'bot',
  token: 'tok',
  member: 'mbr',
  user: 'user',
  conversation: 'conv',
  message: 'msg',
  event: 'evt',
  state: 'state',
  workflow: 'wfl',
  task: 'task',
  file: 'file',
  table: 'table',
  integration: 'intg',
  interface: 'intf',
  plugin: 'plug',
  knowledgeBase: 'kb',
  passage: 'psg',
  issue: 'issue',
  job: 'job',
  activity: 'act',
  audit: 'audit',
  version: 'ver',
  integrationLog: 'ilog',
  botLog: 'blog',
  issueEvent: 'ievt',
  actionRun: 'arun',
  delivery: 'dlvr',
  deliveryAttempt: 'datt',
  session: 'sess',
} as const

export type IdKind = keyof typeof idPrefixes

export const newId = (kind: IdKind) => `${idPrefixes[kind]}_${newUlid()}`

/**
 * An account id is a UUID: the spec gives every account id it shows (`userId` of a member or an audit
 * record) `format: uuid`. Migration 011 turned the `acct_…` ids of earlier stores into UUIDs.
 */
export const newAccountId = (): string => randomUUID()
