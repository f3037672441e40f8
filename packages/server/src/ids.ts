import { randomFillSync } from 'node:crypto'
import { ulid } from 'ulid'

const POOL_SIZE = 1024
const pool = new Uint32Array(POOL_SIZE)
let next = POOL_SIZE

/**
 * Cryptographic randomness drawn in blocks: the ulid package's default source makes one system call per
 * character (16 per id), which showed up as a sixth of the server's CPU under load.
 */
function pooledRandom(): number {
  if (next === POOL_SIZE) {
    randomFillSync(pool)
    next = 0
  }
  return pool[next++] / 0x1_0000_0000
}

/** A ULID: 26 characters, sortable by creation time. */
export const newUlid = () => ulid(undefined, pooledRandom)

/**
 * Identifiers are a type prefix and a ULID, e.g. `conv_01JD...`: sortable by creation time, and within the
 * spec's 28 to 36 characters for every prefix used here.
 */
export const idPrefixes = {
  account: 'acct',
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
} as const

export type IdKind = keyof typeof idPrefixes

export const newId = (kind: IdKind) => `${idPrefixes[kind]}_${newUlid()}`
