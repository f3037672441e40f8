import type { FastifyInstance } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Authenticator } from './auth/principal.js'
import { ADMIN_EMAIL, bootstrap, exportLines, type Credentials } from './bootstrap.js'
import { createSignInLink, type SignInLink } from './web/codes.js'
import { systemClock } from './clock.js'
import { resolveConfig, type ServerConfig, type ServerOptions } from './config.js'
import type { Services } from './context.js'
import { buildApp } from './http/app.js'
import { sections } from './sections.js'
import { Runtime } from './runtime/runtime.js'
import { dropPostgresSchema, isPostgresUrl, openStore, type Store } from './store/store.js'

export type RunningServer = {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000`. */
  url: string
  port: number
  config: ServerConfig
  store: Store
  app: FastifyInstance
  /** The runtime: its dispatcher, and what the dashboard does with deliveries (redeliver). */
  runtime: Runtime
  /** The first account's credentials (created on first start). */
  credentials: Credentials
  /** Stops accepting requests, lets in-flight ones finish, then closes the store. */
  close(): Promise<void>
}

const SWEEP_INTERVAL_MS = 30_000

/** Starts the API server: opens (and migrates) the store, bootstraps the first account, listens. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options)
  const store = await openStore({ database: config.database, postgresSchema: config.postgresSchema })
  const services: Services = {
    store,
    clock: systemClock,
    config,
    auth: new Authenticator(store, systemClock),
    botsDeleted: async (botIds) => {
      if (!botIds.length) return
      for (const section of sections) await section.onBotsDeleted?.(services, botIds)
    },
    runtime: undefined as unknown as Runtime,
  }
  services.runtime = new Runtime(services, {
    timeoutMs: config.runtimeTimeoutMs,
    attempts: config.deliveryAttempts,
    backoffMs: config.deliveryBackoffMs,
    concurrency: config.deliveryConcurrency,
    perBotConcurrency: config.deliveryConcurrencyPerBot,
    pollMs: config.deliveryPollMs,
  })
  let app: FastifyInstance | undefined
  try {
    app = await buildApp(services, sections)
    services.log = app.log
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app?.close()
    await store.close()
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${hostForUrl}:${port}`
  config.publicUrl ??= url
  const { credentials, created } = await bootstrap(services, config.publicUrl)
  if (created && config.printCredentials) {
    process.stdout.write(`bpkit created its first account. Point a client at it with:\n${exportLines(credentials)}\n`)
    const link = await firstAccountSignInLink(services)
    if (link) process.stdout.write(`Sign in to the dashboard (a one-time link, good for 10 minutes; \`bpkit open\` prints a fresh one):\n${link.url}\n`)
  }

  for (const section of sections) section.start?.(services)
  const sweeps = sections.filter((s) => s.sweep)
  const sweeper = setInterval(() => {
    for (const section of sweeps) section.sweep!(services).catch((err) => app!.log.warn({ err }, `${section.name} sweep failed`))
  }, SWEEP_INTERVAL_MS)
  sweeper.unref()

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    config,
    store,
    app,
    runtime: services.runtime,
    credentials,
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweeper)
        await app!.close()
        for (const section of sections) await section.close?.(services)
        await store.close()
      })()),
  }
}

/** A one-time sign-in link for the first account (what `bpkit serve` prints on first start). */
async function firstAccountSignInLink(services: Services): Promise<SignInLink | undefined> {
  const account = await services.store.db.selectFrom('accounts').select('id').where('email', '=', ADMIN_EMAIL).executeTakeFirst()
  return account && createSignInLink(services, account.id, 'sign-in')
}

export type TestServer = Credentials & {
  url: string
  token: string
  workspaceId: string
  botId: string
  server: RunningServer
  close(): Promise<void>
}

/**
 * A throw-away server for tests: a temporary SQLite store (or, with `database: 'postgres://…'`, a fresh
 * schema in that database), a random port on 127.0.0.1, silent logs. `close()` removes everything it made.
 */
export async function startTestServer(options: Omit<ServerOptions, 'port' | 'host' | 'dataDir'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-test-'))
  const postgres = options.database !== undefined && isPostgresUrl(options.database)
  const postgresSchema = postgres ? (options.postgresSchema ?? `bpkit_test_${randomBytes(6).toString('hex')}`) : undefined
  const server = await startServer({ logLevel: 'silent', ...options, postgresSchema, dataDir, port: 0, host: '127.0.0.1' }).catch(
    async (error) => {
      rmSync(dataDir, { recursive: true, force: true })
      if (postgresSchema) await dropPostgresSchema(options.database!, postgresSchema)
      throw error
    },
  )
  return {
    ...server.credentials,
    url: server.url,
    server,
    close: async () => {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
      if (postgresSchema) await dropPostgresSchema(options.database!, postgresSchema)
    },
  }
}
