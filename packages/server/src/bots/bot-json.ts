import type { PublicApi } from '@bpkit/spec'
import { apiSchemas } from '@bpkit/spec/schemas'
import type { BotRow } from '../admin/bot-model.js'
import { readData } from '../admin/bot-model.js'
import { invalidPayload } from '../errors.js'
import { componentsDocument, createValidatorCompiler } from '../http/validation.js'
import { parseJson } from '../store/json.js'

/**
 * The bot JSON document (`getBotJson`, `publishFromBotJson`, bot versions): the bot's whole definition in
 * the shape of an `updateBot` body, so publishing it back is an update that replaces every map.
 */
export type BotJson = Omit<PublicApi.UpdateBotInput, 'id'>

export function botJsonOf(row: BotRow): BotJson {
  const data = readData(row)
  const json: BotJson = {
    name: row.name,
    description: data.description,
    tags: parseJson<Record<string, string>>(row.tags, {}),
    states: data.states ?? {},
    events: data.events ?? {},
    actions: data.actions ?? {},
    recurringEvents: Object.fromEntries(
      Object.entries(data.recurringEvents ?? {}).map(([key, { schedule, type, payload }]) => [key, { schedule, type, payload }]),
    ),
    subscriptions: data.subscriptions ?? { events: null },
    configuration: data.configuration ?? { data: {}, schema: {} },
    user: { tags: data.user?.tags ?? {} },
    conversation: { tags: data.conversation?.tags ?? {} },
    message: { tags: data.message?.tags ?? {} },
    integrations: Object.fromEntries(
      Object.entries(data.integrations ?? {}).map(([alias, i]) => [
        alias,
        { integrationId: i.id, enabled: i.enabled, configurationType: i.configurationType, configuration: i.configuration, disabledChannels: i.disabledChannels },
      ]),
    ),
    plugins: Object.fromEntries(
      Object.entries(data.plugins ?? {}).map(([alias, p]) => [
        alias,
        {
          id: p.id,
          enabled: p.enabled,
          configuration: p.configuration,
          interfaces: Object.fromEntries(
            Object.entries(p.interfaces ?? {}).map(([name, i]) => [name, { integrationId: i.integrationId, integrationAlias: i.integrationAlias, integrationInterfaceAlias: i.integrationInterfaceAlias }]),
          ),
          integrations: p.integrations ?? {},
        },
      ]),
    ),
    medias: data.medias ?? [],
    alwaysAlive: data.alwaysAlive ?? false,
    maxExecutionTime: data.maxExecutionTime,
    code: data.code,
    url: data.url,
  }
  return JSON.parse(JSON.stringify(json)) as BotJson
}

const validateBody = createValidatorCompiler(componentsDocument(apiSchemas.public.components.schemas))({
  schema: apiSchemas.public.operations.updateBot.body!,
  httpPart: 'body',
  method: 'PUT',
  url: '',
} as never) as (data: unknown) => { error?: Error }

/** Checks a bot JSON document against the `updateBot` body schema; a 400 names the field. */
export function checkBotJson(json: unknown): BotJson {
  const { error } = validateBody(json)
  if (error) throw invalidPayload(error.message.replace(/^Invalid body: "/, 'Invalid "botJson.').replace(/^Invalid body:/, 'Invalid "botJson":'))
  return json as BotJson
}

/** Keys of `current` absent from `next`, set to null: what makes a merge-style update replace a map. */
const removed = (current: Record<string, unknown> | undefined, next: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.keys(current ?? {}).filter((key) => !Object.hasOwn(next ?? {}, key)).map((key) => [key, null]))

/** The `updateBot` input that turns the bot `row` into exactly `json`. */
export function replacingUpdate(row: BotRow, json: BotJson): PublicApi.UpdateBotInput {
  const current = botJsonOf(row)
  const maps = ['states', 'events', 'actions', 'recurringEvents', 'integrations', 'plugins'] as const
  const input: PublicApi.UpdateBotInput = { ...json, id: row.id }
  for (const key of maps) (input as any)[key] = { ...removed(current[key], json[key]), ...json[key] }
  for (const key of ['user', 'conversation', 'message'] as const) {
    input[key] = { tags: { ...removed(current[key]?.tags, json[key]?.tags), ...json[key]?.tags } }
  }
  input.tags = { ...Object.fromEntries(Object.keys(current.tags ?? {}).filter((k) => !(k in (json.tags ?? {}))).map((k) => [k, ''])), ...json.tags }
  input.configuration = { data: json.configuration?.data ?? {}, schema: json.configuration?.schema ?? {} }
  const events = json.subscriptions?.events
  input.subscriptions = { events: events ? { ...removed(current.subscriptions?.events ?? undefined, events), ...events } : null }
  return input
}
