/**
 * Runs the benchmarks: every bench/*.bench.ts file, one after the other, each in its own process so that
 * one benchmark's heap and open handles never colour the next. `npm run bench -- client` runs only the
 * files whose name contains "client". Each benchmark prints its own Markdown section; copy the figures
 * into BENCHMARKS.md with the date and the machine.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'

const dir = import.meta.dirname
const filters = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && filters.every((x) => f.includes(x)))
  .sort()

console.log(`# bpkit benchmarks, ${new Date().toISOString().slice(0, 10)}`)
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}\n`)
let failed = 0
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, file)], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
