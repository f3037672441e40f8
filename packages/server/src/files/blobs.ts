import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'

/**
 * File bytes on disk, under `<dataDir>/files`: `blobs/<botId>/<fileId>.<version>` for stored content and
 * `tmp/` for uploads in flight. Content is written to a temporary file, flushed, then renamed into place,
 * so a crash never leaves a partial file under a name the store points to.
 */
export class BlobStore {
  readonly root: string
  readonly blobsDir: string
  readonly tmpDir: string

  constructor(dataDir: string) {
    this.root = join(dataDir, 'files')
    this.blobsDir = join(this.root, 'blobs')
    this.tmpDir = join(this.root, 'tmp')
  }

  static nameFor(botId: string, fileId: string, version: string) {
    return `${botId}/${fileId}.${version}`
  }

  pathOf(name: string) {
    return join(this.blobsDir, name)
  }

  /** Streams `source` into a temporary file, flushes it, then moves it to `name`. Nothing is left on failure. */
  async write(name: string, source: Readable): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true })
    const tmp = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`)
    try {
      // `flush` fsyncs before the file is closed (Node 20.10+), so the rename publishes complete bytes.
      await pipeline(source, createWriteStream(tmp, { flags: 'wx', flush: true }))
      await mkdir(dirname(this.pathOf(name)), { recursive: true })
      await rename(tmp, this.pathOf(name))
    } catch (error) {
      await rm(tmp, { force: true })
      throw error
    }
  }

  async copy(from: string, to: string): Promise<void> {
    await mkdir(dirname(this.pathOf(to)), { recursive: true })
    await mkdir(this.tmpDir, { recursive: true })
    const tmp = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`)
    try {
      await copyFile(this.pathOf(from), tmp)
      await rename(tmp, this.pathOf(to))
    } catch (error) {
      await rm(tmp, { force: true })
      throw error
    }
  }

  read(name: string): ReadStream {
    return createReadStream(this.pathOf(name))
  }

  readAll(name: string): Promise<Buffer> {
    return readFile(this.pathOf(name))
  }

  async remove(name: string | null | undefined): Promise<void> {
    if (name) await rm(this.pathOf(name), { force: true })
  }

  /** Removes what no crash-free run would leave: temporary files older than `olderThanMs`, and the bytes of deleted bots. */
  /** Removes every byte kept for a bot. */
  async removeBot(botId: string): Promise<void> {
    await rm(join(this.blobsDir, botId), { recursive: true, force: true })
  }

  async collectGarbage(liveBotIds: (botIds: string[]) => Promise<Set<string>>, olderThanMs: number, now: number): Promise<void> {
    for (const entry of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const path = join(this.tmpDir, entry)
      const info = await stat(path).catch(() => undefined)
      if (info && now - info.mtimeMs > olderThanMs) await rm(path, { force: true })
    }
    const botDirs = await readdir(this.blobsDir).catch(() => [] as string[])
    if (!botDirs.length) return
    const live = await liveBotIds(botDirs)
    for (const botId of botDirs) if (!live.has(botId)) await rm(join(this.blobsDir, botId), { recursive: true, force: true })
  }
}
