/**
 * Records that may reach the store a moment late (request log lines, usage counters), written in batches
 * off the request path: one statement per batch instead of one write per request. Whoever reads such
 * records calls `flush()` first, so it sees everything added before; the server flushes on close. A crash
 * loses at most the last `delayMs` of them.
 */
export class WriteBehind<T> {
  private items: T[] = []
  private timer?: NodeJS.Timeout
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly delayMs = 100,
    private readonly maxItems = 500,
  ) {}

  add(item: T): void {
    this.items.push(item)
    if (this.items.length >= this.maxItems) void this.flush()
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.delayMs)
      this.timer.unref()
    }
  }

  /** Writes what has been added so far; resolves once it (and every earlier batch) is in the store. */
  flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.items
    this.items = []
    if (batch.length) this.writing = this.writing.then(() => this.write(batch)).catch(this.onError)
    return this.writing
  }
}

/** One value per server (per `key` object, e.g. its Services), made on first use: sections are shared by every server of a process. */
export function perServer<K extends object, V>(create: (key: K) => V): (key: K) => V {
  const values = new WeakMap<K, V>()
  return (key) => {
    let value = values.get(key)
    if (value === undefined) {
      value = create(key)
      values.set(key, value)
    }
    return value
  }
}
