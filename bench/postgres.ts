/** A fresh PostgreSQL database for one benchmark run, dropped afterwards. */
import { randomBytes } from 'node:crypto'

/** The server benchmarks create their databases on: BPKIT_BENCH_POSTGRES_URL, else BPKIT_TEST_POSTGRES_URL, else the local default. */
export const POSTGRES_URL = process.env.BPKIT_BENCH_POSTGRES_URL ?? process.env.BPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Runs `fn` with the URL of a new database named `<prefix>_<random>`; undefined when no PostgreSQL answers at POSTGRES_URL. */
export async function withPostgresDatabase<T>(prefix: string, fn: (url: string) => Promise<T>): Promise<T | undefined> {
  const { default: pg } = await import('pg')
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  try {
    await admin.connect()
  } catch {
    return undefined
  }
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await admin.query(`CREATE DATABASE ${name}`)
  try {
    const url = new URL(POSTGRES_URL)
    url.pathname = `/${name}`
    return await fn(url.href)
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
    await admin.end()
  }
}
