import { parseArgs } from 'node:util'
import { startServer, type ServerOptions } from '@bpkit/server'
import type { Command } from './command.js'

const help = `Usage: bpkit serve [options]

Starts the Botpress API server and its dashboard (at /). On first start it prints the first account's
credentials and a one-time link that signs it in to the dashboard; \`bpkit open\` prints a fresh link later.
Flags win over BPKIT_* environment variables, which win over defaults.

Options:
  --port <n>          TCP port (BPKIT_PORT, default 3000)
  --host <addr>       interface to listen on (BPKIT_HOST, default 127.0.0.1)
  --data-dir <dir>    data folder (BPKIT_DATA_DIR, default ./.bpkit)
  --database <url>    SQLite path or postgres:// URL (BPKIT_DATABASE_URL, default <data-dir>/bpkit.sqlite)
  --public-url <url>  URL clients reach the server at (BPKIT_PUBLIC_URL)
  --log-level <lvl>   fatal|error|warn|info|debug|trace|silent (BPKIT_LOG_LEVEL, default info)
  --dashboard-dir <d> the dashboard's built files, served at / (BPKIT_DASHBOARD_DIR, default packages/dashboard/dist)
  -h, --help          show this help
`

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the API server (SQLite in ./.bpkit by default)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        database: { type: 'string' },
        'public-url': { type: 'string' },
        'log-level': { type: 'string' },
        'dashboard-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help) {
      process.stdout.write(help)
      return 0
    }
    const port = values.port === undefined ? undefined : Number(values.port)
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be a port number, got "${values.port}"`)
    const options: ServerOptions = {
      port,
      host: values.host,
      dataDir: values['data-dir'],
      database: values.database,
      publicUrl: values['public-url'],
      logLevel: values['log-level'],
      dashboardDir: values['dashboard-dir'],
      printCredentials: true,
    }
    const server = await startServer(options)
    process.stdout.write(`bpkit listening on ${server.url} (${server.store.dialect}, data in ${server.config.dataDir})\n`)

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stdout.write(`bpkit: ${signal} received, finishing in-flight requests\n`)
        server.close().then(resolve, (error) => {
          process.stderr.write(`bpkit: error while closing: ${error}\n`)
          resolve()
        })
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
    return 0
  },
}
