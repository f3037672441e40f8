/**
 * The headers of each call the runtime makes to a bot or an integration, as the Botpress SDK reads them
 * (../shared/RUNTIME.md). Every request is a POST of a JSON body; what happened is in `x-bp-operation`.
 */

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value ?? {})).toString('base64')

export type BotCall = {
  botId: string
  /** `event_received`, `action_triggered`, `register`, `unregister`, `ping`. */
  operation: string
  /** The event type (`message_created`, `<alias>:<event>`, ...) or, for other operations, the operation's name. */
  type: string
  /** The bot's configuration data (`bot.configuration.data`). */
  configuration: unknown
}

export function botHeaders(call: BotCall): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-bot-id': call.botId,
    'x-bot-user-id': call.botId,
    'x-bp-operation': call.operation,
    'x-bp-type': call.type || call.operation,
    // The SDK reads a bot's configuration as `{ payload: "<JSON>" }`.
    'x-bp-configuration': base64Json({ payload: JSON.stringify(call.configuration ?? {}) }),
  }
}

export type IntegrationCall = {
  botId: string
  integrationId: string
  alias: string
  webhookId: string
  /** `webhook_received`, `message_created`, `action_triggered`, `register`, `unregister`, `ping`. */
  operation: string
  configuration: unknown
  configurationType: string | null
}

export function integrationHeaders(call: IntegrationCall): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-bot-id': call.botId,
    // A bot's id is also its user id in every chat operation.
    'x-bot-user-id': call.botId,
    'x-integration-id': call.integrationId,
    'x-integration-alias': call.alias,
    'x-webhook-id': call.webhookId,
    'x-bp-operation': call.operation,
    'x-bp-configuration': base64Json(call.configuration),
    ...(call.configurationType ? { 'x-bp-configuration-type': call.configurationType } : {}),
  }
}
