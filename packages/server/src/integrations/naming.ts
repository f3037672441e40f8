import semver from 'semver'
import { invalidPayload } from '../errors.js'
import type { HubKind } from './tables.js'

/**
 * Names are lower-case words joined by `-` or `_`, optionally prefixed by the owner workspace's handle
 * (`acme/crm`), as Botpress names integrations; the spec caps them (and versions) at 200 characters.
 */
const NAME_PATTERN = /^(?:[a-z0-9][a-z0-9_-]*\/)?[a-z][a-z0-9_-]*$/

export const LATEST = 'latest'

export function checkName(kind: HubKind, name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw invalidPayload(
      `Invalid "name" ${JSON.stringify(name)}: a ${kind} name is lower-case letters, digits, "-" and "_", starting with a letter, optionally prefixed by a workspace handle and "/"`,
    )
  }
}

export function checkVersion(version: string): void {
  if (semver.valid(version) !== version) {
    throw invalidPayload(`Invalid "version" ${JSON.stringify(version)}: it must be a semantic version such as "1.2.0"`)
  }
}

/**
 * The version a lookup by name means: `latest` (the highest), an exact version, or a semver range (the
 * highest that satisfies it). Undefined when none of `versions` fits.
 */
export function pickVersion(versions: string[], wanted: string): string | undefined {
  if (wanted === LATEST) return semver.rsort([...versions])[0]
  if (versions.includes(wanted)) return wanted
  if (!semver.validRange(wanted)) {
    throw invalidPayload(`Invalid "version" ${JSON.stringify(wanted)}: use a semantic version, a semver range or "latest"`)
  }
  return semver.maxSatisfying(versions, wanted) ?? undefined
}

/** The ids of the highest version of each name among `rows`. */
export function latestPerName(rows: { id: string; name: string; version: string }[]): string[] {
  const best = new Map<string, { id: string; version: string }>()
  for (const row of rows) {
    const current = best.get(row.name)
    if (!current || semver.gt(row.version, current.version)) best.set(row.name, row)
  }
  return [...best.values()].map((r) => r.id)
}

const SECRET_NAME = /^[A-Z][A-Z0-9_]*$/

export function checkSecretNames(secrets: Record<string, unknown> | undefined): void {
  for (const name of Object.keys(secrets ?? {})) {
    if (!SECRET_NAME.test(name)) throw invalidPayload(`Invalid secret name "secrets.${name}": secret names are SCREAMING_SNAKE_CASE`)
  }
}
