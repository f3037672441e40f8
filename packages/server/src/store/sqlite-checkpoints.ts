import type { Database as SqliteConnection } from 'better-sqlite3'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

export type CheckpointOptions = {
  /** How often the worker moves the WAL into the database file. */
  intervalMs: number
  /** Frames in the WAL past which the server's connection finishes a checkpoint so that the WAL starts over. */
  restartFrames: number
}

export type Checkpoints = {
  /** Called by the server's connection right after each COMMIT, outside any transaction. */
  afterCommit(): void
  /** Stops the worker, which closes its connection. */
  stop(): Promise<void>
}

const DEFAULT_OPTIONS: CheckpointOptions = { intervalMs: 250, restartFrames: 4096 }
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000
/** A WAL grown past this in a burst is cut back to it when it starts over. */
const WAL_KEPT_BYTES = 16 * 1024 * 1024

// An eval'd script rather than a file of its own: it runs the same from this package's build and from its
// TypeScript sources (tests), with no second entry point to find. It loads better-sqlite3 from the path the
// server resolved, as a worker's eval'd code resolves modules from the working folder.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.sqlitePath)
const connection = new SQLite(workerData.path, { fileMustExist: true })
const timer = setInterval(() => {
  try {
    const [{ log }] = connection.pragma('wal_checkpoint(PASSIVE)')
    if (log >= workerData.restartFrames) parentPort.postMessage('restart')
  } catch {
    // another checkpoint in progress: the next tick moves what is left
  }
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  connection.close()
  parentPort.close()
})
`

/** This module's file, in the ESM and the CommonJS build alike. */
const here = (): string => (typeof __filename !== 'undefined' ? __filename : fileURLToPath(import.meta.url))

/**
 * Checkpoints an SQLite file's write-ahead log on a worker thread, not on the event loop.
 *
 * Left to itself, SQLite checkpoints inside the COMMIT that takes the WAL past 1000 pages: it copies them into the
 * database file and syncs both files, on the thread that committed, which here is the one serving every request.
 * On the runtime's echo round trip that was about 0.45 ms of each round trip's event-loop time at 32 conversations,
 * and the slowest sequential round trips (bench/runtime.bench.ts). So the server's connection does not checkpoint
 * on its own, and a connection on a worker thread runs a PASSIVE checkpoint every `intervalMs`: PASSIVE never waits
 * for the server's connection nor makes it wait, and what it cannot move yet it moves next time.
 *
 * The WAL starts over only when a write begins with all of it in the database file, which the worker alone cannot
 * bring about while writes keep coming: each pass ends behind the latest commit. So once the WAL holds
 * `restartFrames`, the worker says so and the server's connection, right after its next COMMIT, moves what the
 * worker has not (what was committed since its last pass) itself; its next write starts the WAL over. If the worker
 * cannot run, the server's connection checkpoints as SQLite does by default.
 */
export function checkpointOnWorker(connection: SqliteConnection, path: string, options: Partial<CheckpointOptions> = {}): Checkpoints {
  let worker: Worker
  try {
    const sqlitePath = createRequire(here()).resolve('better-sqlite3')
    // execArgv: [] so that the server's own flags (--cpu-prof, a loader) do not apply to the worker.
    worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { sqlitePath, path, ...DEFAULT_OPTIONS, ...options } })
  } catch {
    // better-sqlite3 cannot be found from here (this module bundled elsewhere, say): SQLite checkpoints as by default.
    return { afterCommit() {}, async stop() {} }
  }
  connection.pragma('wal_autocheckpoint = 0')
  connection.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`)
  worker.unref()
  let stopping = false
  let restartDue = false
  worker.on('message', () => (restartDue = true))
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping && connection.open) connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`)
      resolve()
    }),
  )
  // An error ends the worker ('exit' follows); without a listener it would be thrown in the server.
  worker.on('error', () => {})
  return {
    afterCommit() {
      if (!restartDue) return
      try {
        const [result] = connection.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[]
        // Busy: the worker is checkpointing right now; the next commit tries again.
        if (!result?.busy) restartDue = false
      } catch {
        // An I/O error: the next commit tries again, and its own write reports the error if it persists.
      }
    },
    async stop() {
      stopping = true
      // Unreferenced, the worker would not keep the process alive until it has closed its connection.
      worker.ref()
      worker.postMessage('stop')
      await exited
    },
  }
}
