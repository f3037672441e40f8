import { Ajv, type ValidateFunction } from 'ajv'
import type { PublicHandlers } from '../handlers.js'
import type { RequestContext } from '../context.js'
import { ApiError, invalidPayload } from '../errors.js'
import { parseJson } from '../store/json.js'
import type { BotRuntime, Installation } from './bot-runtime.js'
import type { InvokeResult } from './runtime.js'
import { answerMessage, readJson } from './transport.js'

const ajv = new Ajv({ strict: false, allErrors: false })
const validators = new Map<string, ValidateFunction>()

/** Checks `input` against an action's input schema: a 400 naming the first field that is wrong. */
function checkInput(type: string, schema: unknown, input: unknown): void {
  if (!schema || typeof schema !== 'object' || !Object.keys(schema).length) return
  const key = JSON.stringify(schema)
  let validate = validators.get(key)
  if (!validate) {
    if (validators.size > 500) validators.clear()
    try {
      validate = ajv.compile(schema as object)
    } catch {
      return
    }
    validators.set(key, validate)
  }
  if (validate(input)) return
  const error = validate.errors![0]!
  const path = error.instancePath.split('/').filter(Boolean).join('.')
  const missing = error.keyword === 'required' ? `.${(error.params as { missingProperty: string }).missingProperty}` : ''
  throw invalidPayload(`Invalid "input${path ? '.' + path : ''}${missing}" of action "${type}": ${error.message ?? 'is invalid'}`)
}

type ActionSchema = { input?: { schema?: unknown } }

async function integrationAction(ctx: RequestContext, installation: Installation, action: string): Promise<ActionSchema | undefined> {
  const row = await ctx.db.selectFrom('hubPackages').select('definition').where('id', '=', installation.integrationId).executeTakeFirst()
  const actions = parseJson<{ actions?: Record<string, ActionSchema> }>(row?.definition, {}).actions ?? {}
  return Object.prototype.hasOwnProperty.call(actions, action) ? actions[action] : undefined
}

/** The `{ output, meta }` of a handler's answer, or the error to answer the caller with, naming who failed. */
function actionResult(result: InvokeResult, who: string, type: string): { output: Record<string, unknown>; meta: { cached: boolean } } {
  if (result.kind === 'missing') throw new ApiError('Runtime', `Action "${type}" cannot run: ${result.reason}`)
  if (result.kind === 'unreachable') {
    if (result.timedOut) throw new ApiError('OperationTimeout', `Action "${type}": ${who} gave ${result.reason}`)
    throw new ApiError('Runtime', `Action "${type}": ${who} could not be reached (${result.reason})`)
  }
  if (result.status >= 400) {
    const error = readJson<{ type?: unknown }>(result.body, {})
    const message = `Action "${type}" failed in ${who}: ${answerMessage(result.body)}`
    // A handler's 4xx Botpress error is relayed as that error; anything else is the runtime's.
    const relayed = result.status < 500 && typeof error.type === 'string' && ApiError.isType(error.type) ? error.type : 'Runtime'
    throw new ApiError(relayed, message)
  }
  const answer = readJson<{ output?: unknown }>(result.body, {})
  const output = answer.output && typeof answer.output === 'object' && !Array.isArray(answer.output) ? (answer.output as Record<string, unknown>) : {}
  // Action results are never cached here (the API's `meta`); the handler's own `meta.cost` has no field in it.
  return { output, meta: { cached: false } }
}

async function callIntegrationAction(ctx: RequestContext, bot: BotRuntime, type: string, input: Record<string, unknown>) {
  const separator = type.indexOf(':')
  const alias = type.slice(0, separator)
  const action = type.slice(separator + 1)
  const installation = bot.installations.find((i) => i.alias === alias)
  if (!installation) throw new ApiError('ResourceNotFound', `Action "${type}" cannot run: no integration is installed as "${alias}" on this bot`)
  if (!installation.enabled) throw invalidPayload(`Invalid "type" "${type}": integration "${alias}" is disabled on this bot`)
  const definition = await integrationAction(ctx, installation, action)
  if (!definition) throw new ApiError('ResourceNotFound', `Integration "${installation.name}" (installed as "${alias}") has no action "${action}"`)
  checkInput(type, definition.input?.schema, input)
  const result = await ctx.services.runtime.invokeIntegration(bot.botId, installation, 'action_triggered', { type: action, input })
  return actionResult(result, `integration "${alias}"`, type)
}

async function callBotAction(ctx: RequestContext, bot: BotRuntime, type: string, input: Record<string, unknown>) {
  const actions = (bot.data.actions ?? {}) as Record<string, ActionSchema>
  if (!Object.prototype.hasOwnProperty.call(actions, type)) {
    throw new ApiError('ResourceNotFound', `The bot has no action "${type}" (an integration's action is "<alias>:<action>")`)
  }
  checkInput(type, actions[type]!.input?.schema, input)
  const result = await ctx.services.runtime.invokeBot(bot, 'action_triggered', type, { type, input })
  return actionResult(result, 'the bot', type)
}

export const actionHandlers: PublicHandlers = {
  /**
   * Runs an action and answers its output: `<alias>:<action>` on the integration installed as `alias`, a name
   * without a colon on the bot itself. The input is checked against the action's schema first.
   */
  async callAction(input, ctx) {
    const botId = await ctx.botId()
    const bot = await ctx.services.runtime.bot(ctx.db, botId)
    if (!bot) throw new ApiError('ResourceNotFound', `Bot "${botId}" doesn't exist`)
    const actionInput = (input.input ?? {}) as Record<string, unknown>
    return input.type.includes(':') ? callIntegrationAction(ctx, bot, input.type, actionInput) : callBotAction(ctx, bot, input.type, actionInput)
  },
}
