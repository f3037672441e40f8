// `npm run fuzz -- --seed N --requests M`: the spec-driven fuzzer of packages/server/test/fuzz against a
// fresh server (built first by the npm script). Exit code 1 when an invariant fails; the shrunk request is printed as curl.
import { spawnSync } from 'node:child_process'

const cli = new URL('../packages/server/test/fuzz/cli.ts', import.meta.url).pathname
const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(result.status ?? 1)
