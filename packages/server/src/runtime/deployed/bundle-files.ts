import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const codeHash = (code: string) => createHash('sha256').update(code).digest('hex').slice(0, 16)

/**
 * The file a deployed bundle runs from: written by this process from the code in the store (content-addressed,
 * so each process of a shared database writes its own copy and never depends on another's files).
 */
export function bundleFile(dataDir: string, code: string): string {
  const dir = join(dataDir, 'bundles')
  const file = join(dir, `${codeHash(code)}.cjs`)
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true })
    const partial = `${file}.${process.pid}.tmp`
    writeFileSync(partial, code)
    renameSync(partial, file)
  }
  return file
}
