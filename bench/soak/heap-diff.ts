/** Two V8 heap snapshots compared by constructor: which kinds of object grew in count and in size between them. */
import { readFileSync } from 'node:fs'

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

type Tally = Map<string, { count: number; size: number }>

/** Counts the snapshot's nodes by `type:name` (the constructor's name for objects). */
export function tally(path: string): Tally {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot
  const fields = heap.snapshot.meta.node_fields
  const types = heap.snapshot.meta.node_types[0]
  const width = fields.length
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number]
  const counts: Tally = new Map()
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!
    const name = type === 'object' || type === 'closure' || type === 'native' ? heap.strings[heap.nodes[i + nameAt]!]! : `(${type})`
    const key = `${type}:${name.slice(0, 80)}`
    const entry = counts.get(key) ?? { count: 0, size: 0 }
    entry.count++
    entry.size += heap.nodes[i + sizeAt]!
    counts.set(key, entry)
  }
  return counts
}

export type Growth = { key: string; countBefore: number; countAfter: number; sizeDelta: number }

/** The `top` kinds whose retained count grew most from `early` to `late`. */
export function heapGrowth(early: string, late: string, top = 15): Growth[] {
  const before = tally(early)
  const after = tally(late)
  const keys = new Set([...before.keys(), ...after.keys()])
  return [...keys]
    .map((key) => ({ key, countBefore: before.get(key)?.count ?? 0, countAfter: after.get(key)?.count ?? 0, sizeDelta: (after.get(key)?.size ?? 0) - (before.get(key)?.size ?? 0) }))
    .sort((a, b) => b.sizeDelta - a.sizeDelta)
    .slice(0, top)
}
