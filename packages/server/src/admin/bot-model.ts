import { randomBytes } from 'node:crypto'
import type { Insertable, Selectable } from 'kysely'
import type { PublicApi } from '@bpkit/spec'
import type { Database } from '../store/database.js'
import { parseJson } from '../store/json.js'
import { mergeRecord, replace, withoutNullAttributes } from '../integrations/records.js'

/**
 * The one place that maps a bot between the API and the store: `bots.name`, `bots.tags` and `bots.dev` are
 * columns (listBots filters on them), everything else of the definition lives in the `bots.data` JSON.
 */

export type Bot = PublicApi.Bot
export type BotRow = Selectable<Database['bots']>
type CreateBotInput = PublicApi.CreateBotInput
type UpdateBotInput = PublicApi.UpdateBotInput

/** What `bots.data` holds: the definition minus its columns, plus the inputs the Bot model does not echo. */
export type BotData = Partial<Omit<Bot, 'id' | 'name' | 'tags' | 'dev' | 'createdAt' | 'updatedAt'>> & {
  code?: string
  url?: string
  blocked?: boolean
  /** `getBotAllowlist`: who of the workspace may use the bot. */
  allowlist?: { setting: 'ALL_WORKSPACE_USERS' | 'SELECTED_USERS'; users: string[] }
}

const newSigningSecret = () => randomBytes(24).toString('base64url')

/** Every required field of the Bot model, for definitions that never set it. */
function defaults(): Omit<Bot, 'id' | 'name' | 'tags' | 'dev' | 'createdAt' | 'updatedAt' | 'signingSecret'> {
  return {
    integrations: {},
    plugins: {},
    user: { tags: {} },
    conversation: { tags: {} },
    message: { tags: {} },
    states: {},
    configuration: { data: {}, schema: {} },
    events: {},
    recurringEvents: {},
    subscriptions: { events: null },
    actions: {},
    alwaysAlive: false,
    status: 'active',
    medias: [],
  }
}

type RecurringEventInput = NonNullable<CreateBotInput['recurringEvents']>[string]

const withRunStatus = (event: RecurringEventInput): Bot['recurringEvents'][string] => ({ ...event, failedAttempts: 0, lastFailureReason: null })

const mapValues = <T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]))

/** Tags merge into the current ones; an empty value removes the key. */
function mergeTags(current: Record<string, string>, patch: Record<string, string> | undefined): Record<string, string> {
  if (!patch) return current
  const next = { ...current }
  for (const [key, value] of Object.entries(patch)) {
    if (value === '') delete next[key]
    else next[key] = value
  }
  return next
}

const defaultBotName = (id: string) => `bot-${id.slice(-10).toLowerCase()}`

/** A new bot row from `createBot`'s input. */
export function newBotRow(
  input: CreateBotInput,
  ids: { id: string; workspaceId: string; createdBy?: string },
  now: string,
): Insertable<Database['bots']> {
  const data: BotData = {
    signingSecret: newSigningSecret(),
    states: input.states ?? {},
    events: input.events ?? {},
    recurringEvents: mapValues(input.recurringEvents ?? {}, withRunStatus),
    subscriptions: input.subscriptions ?? { events: null },
    actions: input.actions ?? {},
    configuration: { data: input.configuration?.data ?? {}, schema: input.configuration?.schema ?? {} },
    user: { tags: input.user?.tags ?? {} },
    conversation: { tags: input.conversation?.tags ?? {} },
    message: { tags: input.message?.tags ?? {} },
    description: input.description,
    medias: input.medias ?? [],
    code: input.code,
    url: input.url,
    createdBy: ids.createdBy,
    deployedAt: input.code !== undefined ? now : undefined,
  }
  return {
    id: ids.id,
    workspaceId: ids.workspaceId,
    name: input.name ?? defaultBotName(ids.id),
    data: JSON.stringify(data),
    tags: JSON.stringify(mergeTags({}, input.tags)),
    dev: input.dev ? 1 : 0,
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * The columns `updateBot` changes. Maps (states, events, actions, recurring events, tag definitions,
 * subscriptions) merge key by key with null removing a key; other fields replace. `installs` are the
 * integrations and plugins after the update, checked by bot-installs.ts.
 */
export function updatedBotColumns(
  row: BotRow,
  input: UpdateBotInput,
  now: string,
  installs: Pick<Bot, 'integrations' | 'plugins'>,
): Pick<BotRow, 'name' | 'data' | 'tags' | 'updatedAt'> {
  const current = readData(row)
  const data: BotData = {
    ...current,
    states: mergeRecord(current.states ?? {}, input.states, replace),
    events: mergeRecord(current.events ?? {}, input.events, withoutNullAttributes),
    actions: mergeRecord(current.actions ?? {}, input.actions, withoutNullAttributes),
    recurringEvents: mergeRecord(current.recurringEvents ?? {}, input.recurringEvents, (event) => withRunStatus(event)),
    integrations: installs.integrations,
    plugins: installs.plugins,
    user: { tags: mergeRecord(current.user?.tags ?? {}, input.user?.tags, replace) },
    conversation: { tags: mergeRecord(current.conversation?.tags ?? {}, input.conversation?.tags, replace) },
    message: { tags: mergeRecord(current.message?.tags ?? {}, input.message?.tags, replace) },
    configuration: {
      data: input.configuration?.data ?? current.configuration?.data ?? {},
      schema: input.configuration?.schema ?? current.configuration?.schema ?? {},
    },
  }
  if (input.subscriptions) {
    const events = input.subscriptions.events
    data.subscriptions = { events: events === null ? null : mergeRecord(current.subscriptions?.events ?? {}, events, replace) }
  }
  if (input.description !== undefined) data.description = input.description
  if (input.medias !== undefined) data.medias = input.medias
  if (input.maxExecutionTime !== undefined) data.maxExecutionTime = input.maxExecutionTime
  if (input.alwaysAlive !== undefined) data.alwaysAlive = input.alwaysAlive
  if (input.blocked !== undefined) data.blocked = input.blocked
  if (input.url !== undefined) data.url = input.url ?? undefined
  if (input.code !== undefined) {
    data.code = input.code
    data.deployedAt = now
  }
  return {
    name: input.name ?? row.name,
    data: JSON.stringify(data),
    tags: JSON.stringify(mergeTags(parseJson(row.tags, {}), input.tags)),
    updatedAt: now,
  }
}

export const readData = (row: Pick<BotRow, 'data'>): BotData => parseJson<BotData>(row.data, {})

/** The Bot model of a stored bot. */
export function toBot(row: BotRow): Bot {
  const { code: _code, url: _url, blocked: _blocked, allowlist: _allowlist, ...data } = readData(row)
  return {
    ...defaults(),
    signingSecret: '',
    ...data,
    id: row.id,
    name: row.name,
    tags: parseJson(row.tags, {}),
    dev: row.dev === 1,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** The short form `listBots` returns. */
export function toBotSummary(row: Pick<BotRow, 'id' | 'name' | 'tags' | 'data' | 'createdAt' | 'updatedAt'>) {
  return {
    id: row.id,
    name: row.name,
    tags: parseJson<Record<string, string>>(row.tags, {}),
    deployedAt: parseJson<BotData>(row.data, {}).deployedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}
