// Preloaded into the soak's server (`node --require`): every second it writes the process's own view of its memory
// to $BENCH_SOAK_MEMORY_FILE, so each sample can split the RSS into the V8 heap, memory held for JavaScript outside
// it (Buffers) and the rest (native: SQLite, the allocator, code), and count the major collections. A benchmark
// instrument, not part of bpkit.
const { renameSync, writeFileSync } = require('node:fs')
const { constants, PerformanceObserver } = require('node:perf_hooks')
const v8 = require('node:v8')

const file = process.env.BENCH_SOAK_MEMORY_FILE
if (file) {
  let majorGcs = 0
  // What the heap holds just after a full collection: the live objects, without the garbage awaiting the next one.
  let liveAfterGc
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue
      majorGcs++
      liveAfterGc = v8.getHeapStatistics().used_heap_size
    }
  }).observe({ entryTypes: ['gc'] })
  setInterval(() => {
    writeFileSync(`${file}.tmp`, JSON.stringify({ ...process.memoryUsage(), majorGcs, liveAfterGc }))
    renameSync(`${file}.tmp`, file)
  }, 1_000).unref()
}
