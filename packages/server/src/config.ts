import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPostgresUrl } from './store/store.js'

export type ServerOptions = {
  /** TCP port; 0 picks a free one. Default 3000 (`BPKIT_PORT`). */
  port?: number
  /** Interface to listen on. Default 127.0.0.1 (`BPKIT_HOST`). */
  host?: string
  /** Where the SQLite database, file bytes and credentials live. Default ./.bpkit (`BPKIT_DATA_DIR`). */
  dataDir?: string
  /** An SQLite path or a postgres:// URL. Default <dataDir>/bpkit.sqlite (`BPKIT_DATABASE_URL`). */
  database?: string
  /** PostgreSQL schema for bpkit's tables. Default public. */
  postgresSchema?: string
  /** The URL clients reach this server at, used in the URLs it hands out. Default http://host:port (`BPKIT_PUBLIC_URL`). */
  publicUrl?: string
  /** The personal access token created on first start (`BPKIT_ADMIN_TOKEN`); random when unset. */
  adminToken?: string
  /**
   * The handle the first account's workspace gets when it has none (`BPKIT_WORKSPACE_HANDLE`), so that the
   * official CLI can deploy integrations (`<handle>/<name>`) without asking for one. Default `local`.
   */
  workspaceHandle?: string
  /** pino level: fatal, error, warn, info, debug, trace or silent. Default info (`BPKIT_LOG_LEVEL`). */
  logLevel?: string
  /** Largest JSON request body in bytes. Default 5 MiB (`BPKIT_BODY_LIMIT`). */
  bodyLimit?: number
  /** Largest request head (request line and headers) in bytes; larger is a 431. Default 16 KiB (`BPKIT_HEADER_LIMIT`). */
  headerLimit?: number
  /** Most tags one record (user, conversation, message, file, table, …) may have. Default 200 (`BPKIT_MAX_TAGS`). */
  maxTags?: number
  /** Deepest nesting of arrays and objects a JSON body may have. Default 64 (`BPKIT_MAX_JSON_DEPTH`). */
  maxJsonDepth?: number
  /**
   * Deepest nesting of a table filter (`$and`, `$or`, `$not`); deeper is a 400 InvalidQuery. Default 32
   * (`BPKIT_MAX_FILTER_DEPTH`). A JSON body deeper than `maxJsonDepth` is refused before the filter is read.
   */
  maxFilterDepth?: number
  /** Requests of one token in flight at once; more answer 429 RateLimited. 0 is no limit. Default 256 (`BPKIT_MAX_CONCURRENT_PER_TOKEN`). */
  maxConcurrentPerToken?: number
  /** Requests a minute one token may send; more answer 429 RateLimited with Retry-After. Default 0: off (`BPKIT_RATE_LIMIT_PER_TOKEN`). */
  rateLimitPerToken?: number
  /** Requests a minute that may act on one bot, from any token. Default 0: off (`BPKIT_RATE_LIMIT_PER_BOT`). */
  rateLimitPerBot?: number
  /** Largest file upload in bytes. Default 100 MB (`BPKIT_FILE_SIZE_LIMIT`). */
  fileSizeLimit?: number
  /** Print the credentials of a newly created store to stdout. Default true for `bpkit serve`. */
  printCredentials?: boolean
  /**
   * Days that what the server records about requests is kept: bot and integration log lines, bot issue events
   * and action runs; 0 keeps them forever. Default 30 (`BPKIT_LOG_RETENTION_DAYS`).
   */
  logRetentionDays?: number
  /** Longest a bot or integration may take to answer one call of the runtime, in ms. Default 60000 (`BPKIT_RUNTIME_TIMEOUT_MS`). */
  runtimeTimeoutMs?: number
  /** Attempts of one delivery (a message or event to a bot or integration) before it fails for good. Default 5 (`BPKIT_DELIVERY_ATTEMPTS`). */
  deliveryAttempts?: number
  /** Wait before a delivery's second attempt, in ms; it doubles with each attempt after. Default 1000 (`BPKIT_DELIVERY_BACKOFF_MS`). */
  deliveryBackoffMs?: number
  /** Deliveries in flight from one server process. Default 64 (`BPKIT_DELIVERY_CONCURRENCY`). */
  deliveryConcurrency?: number
  /** Deliveries in flight from one server process to one bot and its integrations. Default 32 (`BPKIT_DELIVERY_CONCURRENCY_PER_BOT`). */
  deliveryConcurrencyPerBot?: number
  /** How often the store is polled for due deliveries and schedules, in ms. Default 250 (`BPKIT_DELIVERY_POLL_MS`). */
  deliveryPollMs?: number
  /** Heap limit of each process running deployed code (a bot's or integration's `code`), in MiB. Default 512 (`BPKIT_CODE_MEMORY_MB`). */
  codeMemoryMb?: number
  /** How long deployed code may take to start answering `GET /health`, in ms. Default 10000 (`BPKIT_CODE_START_TIMEOUT_MS`). */
  codeStartTimeoutMs?: number
  /** Usage quotas, usage type → limit (see docs/usage-and-quotas.md). Default none: unlimited (`BPKIT_QUOTAS`, a JSON object). */
  quotas?: Record<string, number>
  /**
   * The dashboard's built files, served at `/` (with `index.html` for every other page path) when the folder
   * exists. Default: `packages/dashboard/dist` next to this package, or the installed `@bpkit/dashboard`'s
   * `dist` (`BPKIT_DASHBOARD_DIR`).
   */
  dashboardDir?: string
  /** Days a dashboard session lasts after sign-in. Default 30 (`BPKIT_SESSION_DAYS`). */
  sessionDays?: number
  /** How often the live stream (`GET /live`) polls the store for changes, in ms. Default 250 (`BPKIT_LIVE_POLL_MS`). */
  livePollMs?: number
}

export type ServerConfig = Required<Omit<ServerOptions, 'publicUrl' | 'adminToken' | 'postgresSchema' | 'dashboardDir'>> &
  Pick<ServerOptions, 'publicUrl' | 'adminToken' | 'postgresSchema'> & {
    /** The dashboard's folder, when one was found. */
    dashboardDir: string | undefined
  }

type Env = Record<string, string | undefined>

const numberFrom = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(value)}`)
  return n
}

const positiveFrom = (value: string | undefined, name: string): number | undefined => {
  const n = numberFrom(value, name)
  if (n === 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`)
  return n
}

const jsonObjectFrom = (value: string | undefined, name: string): Record<string, number> | undefined => {
  if (value === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(value)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, number>
  } catch {
    // reported below
  }
  throw new Error(`${name} must be a JSON object, got ${JSON.stringify(value)}`)
}

/** The handle pattern of `updateWorkspace` and `checkHandleAvailability`. */
export const WORKSPACE_HANDLE_PATTERN = /^[0-9a-z][a-z0-9-_]+[0-9a-z]$/

const checkedHandle = (handle: string): string => {
  if (!WORKSPACE_HANDLE_PATTERN.test(handle) || handle.length > 50) {
    throw new Error(`BPKIT_WORKSPACE_HANDLE must be lower-case letters, digits, "-" and "_" (3 to 50, starting and ending with a letter or digit), got ${JSON.stringify(handle)}`)
  }
  return handle
}

/** Options win over `BPKIT_*` environment variables, which win over the defaults. An empty variable is unset. */
export function resolveConfig(options: ServerOptions = {}, processEnv: Env = process.env): ServerConfig {
  const env = Object.fromEntries(Object.entries(processEnv).filter(([, value]) => value !== '')) as Env
  const dataDir = resolve(options.dataDir ?? env.BPKIT_DATA_DIR ?? '.bpkit')
  const database = options.database ?? env.BPKIT_DATABASE_URL ?? join(dataDir, 'bpkit.sqlite')
  return {
    port: options.port ?? numberFrom(env.BPKIT_PORT, 'BPKIT_PORT') ?? 3000,
    host: options.host ?? env.BPKIT_HOST ?? '127.0.0.1',
    dataDir,
    database: isPostgresUrl(database) || database === ':memory:' ? database : resolve(database),
    postgresSchema: options.postgresSchema,
    publicUrl: (options.publicUrl ?? env.BPKIT_PUBLIC_URL)?.replace(/\/+$/, ''),
    adminToken: options.adminToken ?? env.BPKIT_ADMIN_TOKEN,
    workspaceHandle: checkedHandle(options.workspaceHandle ?? env.BPKIT_WORKSPACE_HANDLE ?? 'local'),
    logLevel: options.logLevel ?? env.BPKIT_LOG_LEVEL ?? 'info',
    bodyLimit: options.bodyLimit ?? numberFrom(env.BPKIT_BODY_LIMIT, 'BPKIT_BODY_LIMIT') ?? 5 * 1024 * 1024,
    headerLimit: options.headerLimit ?? numberFrom(env.BPKIT_HEADER_LIMIT, 'BPKIT_HEADER_LIMIT') ?? 16 * 1024,
    maxTags: options.maxTags ?? numberFrom(env.BPKIT_MAX_TAGS, 'BPKIT_MAX_TAGS') ?? 200,
    maxJsonDepth: options.maxJsonDepth ?? numberFrom(env.BPKIT_MAX_JSON_DEPTH, 'BPKIT_MAX_JSON_DEPTH') ?? 64,
    maxFilterDepth: options.maxFilterDepth ?? positiveFrom(env.BPKIT_MAX_FILTER_DEPTH, 'BPKIT_MAX_FILTER_DEPTH') ?? 32,
    maxConcurrentPerToken: options.maxConcurrentPerToken ?? numberFrom(env.BPKIT_MAX_CONCURRENT_PER_TOKEN, 'BPKIT_MAX_CONCURRENT_PER_TOKEN') ?? 256,
    rateLimitPerToken: options.rateLimitPerToken ?? numberFrom(env.BPKIT_RATE_LIMIT_PER_TOKEN, 'BPKIT_RATE_LIMIT_PER_TOKEN') ?? 0,
    rateLimitPerBot: options.rateLimitPerBot ?? numberFrom(env.BPKIT_RATE_LIMIT_PER_BOT, 'BPKIT_RATE_LIMIT_PER_BOT') ?? 0,
    fileSizeLimit: options.fileSizeLimit ?? numberFrom(env.BPKIT_FILE_SIZE_LIMIT, 'BPKIT_FILE_SIZE_LIMIT') ?? 100_000_000,
    printCredentials: options.printCredentials ?? false,
    logRetentionDays: options.logRetentionDays ?? numberFrom(env.BPKIT_LOG_RETENTION_DAYS, 'BPKIT_LOG_RETENTION_DAYS') ?? 30,
    quotas: options.quotas ?? jsonObjectFrom(env.BPKIT_QUOTAS, 'BPKIT_QUOTAS') ?? {},
    runtimeTimeoutMs: options.runtimeTimeoutMs ?? positiveFrom(env.BPKIT_RUNTIME_TIMEOUT_MS, 'BPKIT_RUNTIME_TIMEOUT_MS') ?? 60_000,
    deliveryAttempts: options.deliveryAttempts ?? positiveFrom(env.BPKIT_DELIVERY_ATTEMPTS, 'BPKIT_DELIVERY_ATTEMPTS') ?? 5,
    deliveryBackoffMs: options.deliveryBackoffMs ?? numberFrom(env.BPKIT_DELIVERY_BACKOFF_MS, 'BPKIT_DELIVERY_BACKOFF_MS') ?? 1_000,
    deliveryConcurrency: options.deliveryConcurrency ?? positiveFrom(env.BPKIT_DELIVERY_CONCURRENCY, 'BPKIT_DELIVERY_CONCURRENCY') ?? 64,
    deliveryConcurrencyPerBot: options.deliveryConcurrencyPerBot ?? positiveFrom(env.BPKIT_DELIVERY_CONCURRENCY_PER_BOT, 'BPKIT_DELIVERY_CONCURRENCY_PER_BOT') ?? 32,
    codeMemoryMb: options.codeMemoryMb ?? positiveFrom(env.BPKIT_CODE_MEMORY_MB, 'BPKIT_CODE_MEMORY_MB') ?? 512,
    codeStartTimeoutMs: options.codeStartTimeoutMs ?? positiveFrom(env.BPKIT_CODE_START_TIMEOUT_MS, 'BPKIT_CODE_START_TIMEOUT_MS') ?? 10_000,
    deliveryPollMs: options.deliveryPollMs ?? positiveFrom(env.BPKIT_DELIVERY_POLL_MS, 'BPKIT_DELIVERY_POLL_MS') ?? 250,
    dashboardDir: dashboardDirOf(options.dashboardDir ?? env.BPKIT_DASHBOARD_DIR),
    sessionDays: options.sessionDays ?? positiveFrom(env.BPKIT_SESSION_DAYS, 'BPKIT_SESSION_DAYS') ?? 30,
    livePollMs: options.livePollMs ?? positiveFrom(env.BPKIT_LIVE_POLL_MS, 'BPKIT_LIVE_POLL_MS') ?? 250,
  }
}

/** This module's file, in the ESM and the CommonJS build alike. */
const here = (): string => (typeof __filename !== 'undefined' ? __filename : fileURLToPath(import.meta.url))

/**
 * The dashboard folder: the one given (used when it exists), else the monorepo's `packages/dashboard/dist`
 * (from this package's `dist`), else an installed `@bpkit/dashboard`'s `dist`; undefined when none exists.
 */
function dashboardDirOf(given: string | undefined): string | undefined {
  if (given !== undefined) return existsSync(resolve(given)) ? resolve(given) : undefined
  const candidates = [resolve(dirname(here()), '../../dashboard/dist')]
  try {
    candidates.push(join(dirname(createRequire(here()).resolve('@bpkit/dashboard/package.json')), 'dist'))
  } catch {
    // not installed
  }
  return candidates.find((dir) => existsSync(join(dir, 'index.html')))
}
