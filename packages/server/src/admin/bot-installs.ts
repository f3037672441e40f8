import { Ajv } from 'ajv'
import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import { invalidPayload } from '../errors.js'
import { findPackage, usableBy, type PackageRow } from '../integrations/store.js'
import { toIntegrationSummary, toPluginSummary, type IntegrationDefinition } from '../integrations/models.js'
import { parseJson } from '../store/json.js'
import type { Bot, BotRow } from './bot-model.js'
import { newWebhookId, webhookUrlOf } from '../runtime/webhook-ids.js'

type InstalledIntegration = Bot['integrations'][string]
type InstalledPlugin = Bot['plugins'][string]
type IntegrationPatch = NonNullable<NonNullable<PublicApi.UpdateBotInput['integrations']>[string]>
type PluginPatch = NonNullable<NonNullable<PublicApi.UpdateBotInput['plugins']>[string]>

export type Installs = { integrations: Record<string, InstalledIntegration>; plugins: Record<string, InstalledPlugin> }

const ajv = new Ajv({ strict: false, allErrors: false })

/** Configuration is checked against the integration's (or the named configuration type's) JSON schema. */
function checkConfiguration(alias: string, row: PackageRow, type: string | null, configuration: Record<string, unknown>) {
  const definition = parseJson<Partial<IntegrationDefinition>>(row.definition, {})
  const schema = type === null ? definition.configuration?.schema : definition.configurations?.[type]?.schema
  if (type !== null && !definition.configurations?.[type]) {
    throw invalidPayload(`Invalid "integrations.${alias}.configurationType": integration ${row.name}@${row.version} has no configuration "${type}"`)
  }
  if (!schema || !Object.keys(schema).length) return
  const validate = ajv.compile(schema)
  if (!validate(configuration)) {
    const error = validate.errors![0]!
    const path = error.instancePath.split('/').filter(Boolean).join('.')
    throw invalidPayload(`Invalid "integrations.${alias}.configuration${path ? '.' + path : ''}": ${error.message ?? 'is invalid'}`)
  }
}

async function usablePackage(ctx: RequestContext, bot: BotRow, kind: 'integration' | 'plugin', id: string, field: string): Promise<PackageRow> {
  const row = await findPackage(ctx.db, kind, id)
  if (!row || !usableBy(row, bot.workspaceId)) {
    throw invalidPayload(`Invalid "${field}": no ${kind} "${id}" in this workspace or public on this server`)
  }
  if (row.dev === 1 && bot.dev !== 1) throw invalidPayload(`Invalid "${field}": ${kind} "${id}" is a dev integration; only dev bots install it`)
  return row
}

async function installIntegration(ctx: RequestContext, bot: BotRow, alias: string, patch: IntegrationPatch, current: InstalledIntegration | undefined, now: string): Promise<InstalledIntegration> {
  const id = patch.integrationId ?? current?.id ?? alias
  const row = await usablePackage(ctx, bot, 'integration', id, `integrations.${alias}`)
  const sameIntegration = current?.id === row.id
  const configurationType = patch.configurationType !== undefined ? patch.configurationType : sameIntegration ? current!.configurationType : null
  const configuration = patch.configuration ?? (sameIntegration ? current!.configuration : {})
  checkConfiguration(alias, row, configurationType, configuration)
  const summary = toIntegrationSummary(row, ctx.services.config.publicUrl ?? '')
  const webhookId = sameIntegration ? current!.webhookId : newWebhookId()
  return {
    ...summary,
    id: row.id,
    enabled: patch.enabled ?? current?.enabled ?? true,
    configurationType,
    configuration,
    disabledChannels: patch.disabledChannels ?? (sameIntegration ? current!.disabledChannels : []),
    // The runtime registers the installation once the bot is written (runtime/registration.ts) and says how it went.
    status: sameIntegration ? current!.status : 'registration_pending',
    statusReason: sameIntegration ? current!.statusReason : null,
    webhookId,
    webhookUrl: webhookUrlOf(ctx.services.config.publicUrl ?? '', webhookId),
    identifier: current?.identifier,
    createdAt: sameIntegration ? current!.createdAt : now,
    updatedAt: now,
  }
}

async function installPlugin(ctx: RequestContext, bot: BotRow, alias: string, patch: PluginPatch, integrations: Record<string, InstalledIntegration>, current: InstalledPlugin | undefined, now: string): Promise<InstalledPlugin> {
  const row = await usablePackage(ctx, bot, 'plugin', patch.id, `plugins.${alias}`)
  const installedAlias = (integrationId: string, wanted: string | undefined, field: string) => {
    const found = wanted !== undefined ? (integrations[wanted]?.id === integrationId ? wanted : undefined) : Object.keys(integrations).find((a) => integrations[a]!.id === integrationId)
    if (!found) throw invalidPayload(`Invalid "${field}": integration "${integrationId}"${wanted ? ` as "${wanted}"` : ''} is not installed on this bot`)
    return found
  }
  const interfaces: NonNullable<InstalledPlugin['interfaces']> = {}
  for (const [name, i] of Object.entries(patch.interfaces ?? {})) {
    const field = `plugins.${alias}.interfaces.${name}`
    const integrationAlias = installedAlias(i.integrationId, i.integrationAlias, field)
    const interfaceId = await implementedInterfaceId(ctx, i.integrationId, i.integrationInterfaceAlias ?? name, field)
    interfaces[name] = { integrationId: i.integrationId, integrationAlias, integrationInterfaceAlias: i.integrationInterfaceAlias, interfaceId }
  }
  const backing = Object.fromEntries(
    Object.entries(patch.integrations ?? {}).map(([name, i]) => [name, { integrationId: i.integrationId, integrationAlias: installedAlias(i.integrationId, i.integrationAlias, `plugins.${alias}.integrations.${name}`) }]),
  )
  return {
    ...toPluginSummary(row, ctx.services.config.publicUrl ?? ''),
    id: row.id,
    enabled: patch.enabled ?? current?.enabled ?? true,
    configuration: patch.configuration ?? (current?.id === row.id ? current.configuration : {}),
    interfaces,
    integrations: backing,
    createdAt: current?.id === row.id ? current.createdAt : now,
    updatedAt: now,
  }
}

/** The id of the interface an integration implements under `alias`. */
async function implementedInterfaceId(ctx: RequestContext, integrationId: string, alias: string, field: string): Promise<string> {
  const row = await findPackage(ctx.db, 'integration', integrationId)
  const implemented = parseJson<Partial<IntegrationDefinition>>(row?.definition, {}).interfaces?.[alias]
  if (!implemented) throw invalidPayload(`Invalid "${field}": integration "${integrationId}" implements no interface "${alias}"`)
  return implemented.id
}

/**
 * Without `x-multiple-integrations: true`, the official CLIs key `integrations` by integration id: such a key
 * names the alias the integration is installed under, or, for a new install, its name. A key that is no
 * integration's id is an alias.
 */
async function aliasOfKey(ctx: RequestContext, key: string, installed: Record<string, InstalledIntegration>): Promise<string> {
  if (installed[key]) return key
  const existing = Object.keys(installed).find((alias) => installed[alias]!.id === key)
  if (existing) return existing
  const row = await findPackage(ctx.db, 'integration', key)
  return row ? row.name.replace(/^[^/]*\//, '') : key
}

/**
 * The bot's installed integrations (by alias) and plugins after `patch`: null removes an entry, any other
 * value installs or updates it after checking the integration or plugin exists and may be used here
 * (this workspace's, or public on this server; dev integrations on dev bots only), the configuration
 * against the integration's schema, and a plugin's backing integrations against what the bot installs.
 */
export async function applyInstalls(
  ctx: RequestContext,
  bot: BotRow,
  current: Installs,
  patch: Pick<PublicApi.UpdateBotInput, 'integrations' | 'plugins'>,
  now: string,
): Promise<Installs> {
  const integrations = { ...current.integrations }
  const keyedByAlias = ctx.header('x-multiple-integrations') === 'true'
  const entries: { key: string; entry: IntegrationPatch | null; alias: string }[] = []
  for (const [key, entry] of Object.entries(patch.integrations ?? {})) {
    entries.push({ key, entry, alias: keyedByAlias || entry?.integrationId ? key : await aliasOfKey(ctx, key, integrations) })
  }
  // The official CLI 0.8.x keys its integrations by id but nulls every key of getBot's answer it did not send,
  // which are aliases: `{ "<id>": {…}, "<alias>": null }` restates the installation, it does not remove it.
  const restated = new Set(keyedByAlias ? [] : entries.filter((e) => e.entry !== null && e.alias !== e.key).map((e) => e.alias))
  for (const { key, entry, alias } of entries) {
    if (entry === null) {
      if (!restated.has(alias)) delete integrations[alias]
    } else integrations[alias] = await installIntegration(ctx, bot, alias, { ...entry, integrationId: entry.integrationId ?? (alias === key ? undefined : key) }, current.integrations[alias], now)
  }
  const plugins = { ...current.plugins }
  for (const [alias, entry] of Object.entries(patch.plugins ?? {})) {
    if (entry === null) delete plugins[alias]
    else plugins[alias] = await installPlugin(ctx, bot, alias, entry, integrations, current.plugins[alias], now)
  }
  return { integrations, plugins }
}
