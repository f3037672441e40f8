/**
 * Shared by the server's end-to-end tests: which stores to run on, and a client for a test server.
 * Every test talks HTTP to a real server on 127.0.0.1 (startTestServer), on SQLite always and on
 * PostgreSQL when BPKIT_TEST_POSTGRES_URL is set.
 */
import { after, before, describe } from 'node:test'
import { Client } from '@bpkit/client'
import { startTestServer, type ServerOptions, type TestServer } from '@bpkit/server'

export type StoreKind = { name: 'sqlite' | 'postgres'; database?: string }

const postgresUrl = process.env.BPKIT_TEST_POSTGRES_URL

export const stores: StoreKind[] = [{ name: 'sqlite' }, ...(postgresUrl ? [{ name: 'postgres' as const, database: postgresUrl }] : [])]

export type ClientOptions = { token?: string; botId?: string; workspaceId?: string }

/** A client acting as the test server's first account on its first bot, unless told otherwise. */
export function clientFor(server: TestServer, options: ClientOptions = {}) {
  return new Client({
    apiUrl: server.url,
    token: options.token ?? server.token,
    botId: 'botId' in options ? options.botId : server.botId,
    workspaceId: 'workspaceId' in options ? options.workspaceId : server.workspaceId,
    retry: false,
  })
}

/**
 * Declares `describe(title on <store>)` once per store, with a fresh server started before its tests and
 * closed after them. `run` receives a getter because the server only exists once `before` has run.
 */
export function describeEachStore(title: string, run: (ctx: { server: () => TestServer; store: StoreKind }) => void, options: Omit<ServerOptions, 'database'> = {}) {
  for (const store of stores) {
    describe(`${title} (${store.name})`, () => {
      let server: TestServer | undefined
      before(async () => {
        server = await startTestServer({ ...options, database: store.database })
      })
      after(async () => {
        await server?.close()
      })
      run({ server: () => server!, store })
    })
  }
}
