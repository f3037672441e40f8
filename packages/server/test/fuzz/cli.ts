/**
 * `npm run fuzz -- --seed N --requests M [--url-requests U] [--time-limit S] [--postgres URL]`: a long fuzz run, its
 * report on stdout. `--url-requests` (default a tenth of M) go to the file upload and download URLs after the API's.
 */
import { parseArgs } from 'node:util'
import { describeReport, runFuzz } from './run.js'

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    requests: { type: 'string', default: '10000' },
    'url-requests': { type: 'string' },
    'time-limit': { type: 'string' },
    postgres: { type: 'string' },
  },
})
const report = await runFuzz({
  seed: Number(values.seed),
  requests: Number(values.requests),
  urlRequests: values['url-requests'] !== undefined ? Number(values['url-requests']) : Math.ceil(Number(values.requests) / 10),
  timeLimitMs: values['time-limit'] ? Number(values['time-limit']) * 1000 : undefined,
  database: values.postgres ?? process.env.BPKIT_FUZZ_POSTGRES_URL,
  log: (line) => process.stderr.write(`${line}\n`),
  serverLogLevel: process.env.BPKIT_FUZZ_SERVER_LOG,
  trace: process.env.BPKIT_FUZZ_TRACE ? (line) => process.stderr.write(`  ${line}\n`) : undefined,
})
process.stdout.write(`${describeReport(report)}\n`)
process.exit(report.failure ? 1 : 0)
