/**
 * `bpkit serve` as a child process, for the tests that kill it (kill -9) or run several on one database.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const cli = fileURLToPath(new URL('../../cli/dist/index.js', import.meta.url))

/** Starts `bpkit serve` and resolves with the URL it prints once listening. */
export function serve(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /bpkit listening on (\S+)/.exec(output)?.[1]
      if (url) resolve({ child, url })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`bpkit serve exited with ${code}:\n${output}`)))
  })
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

/** A fresh PostgreSQL database for one run (the serve command keeps its tables in `public`). */
export async function withDatabase(url: string, run: (databaseUrl: string) => Promise<void>) {
  const name = `bpkit_durability_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  try {
    const target = new URL(url)
    target.pathname = `/${name}`
    await run(target.toString())
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

