/**
 * The live-update stream (`GET /live?botId=` or `?workspaceId=`, server-sent events): one EventSource per
 * scope, shared by every component that listens, closed when the last one leaves.
 */
import { useEffect, useRef, useState } from 'preact/hooks'

type Listener = (data: any) => void
type Stream = { source: EventSource; listeners: Map<string, Set<Listener>>; users: number; state: Set<(s: LiveState) => void> }
export type LiveState = 'connecting' | 'open' | 'closed'

const streams = new Map<string, Stream>()
const EVENTS = ['message', 'event', 'delivery', 'log', 'issue', 'bot']

function open(query: string): Stream {
  let stream = streams.get(query)
  if (stream) return stream
  const source = new EventSource(`/live?${query}`, { withCredentials: true })
  const created: Stream = { source, listeners: new Map(), users: 0, state: new Set() }
  for (const name of EVENTS) {
    source.addEventListener(name, (e) => {
      const set = created.listeners.get(name)
      if (!set?.size) return
      let data: unknown
      try {
        data = JSON.parse((e as MessageEvent<string>).data)
      } catch {
        return
      }
      for (const listener of set) listener(data)
    })
  }
  source.onopen = () => created.state.forEach((f) => f('open'))
  source.onerror = () => created.state.forEach((f) => f(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting'))
  streams.set(query, created)
  return created
}

function release(query: string, stream: Stream) {
  if (--stream.users > 0) return
  stream.source.close()
  streams.delete(query)
}

/** Calls `on[name](data)` for each live event of the scope while the component is mounted. */
export function useLive(scope: { botId?: string; workspaceId?: string } | undefined, on: Record<string, Listener>): LiveState {
  const handlers = useRef(on)
  handlers.current = on
  const [state, setState] = useState<LiveState>('connecting')
  const query = scope?.botId ? `botId=${encodeURIComponent(scope.botId)}` : scope?.workspaceId ? `workspaceId=${encodeURIComponent(scope.workspaceId)}` : ''
  const names = Object.keys(on).sort().join(',')
  useEffect(() => {
    if (!query) return
    const stream = open(query)
    stream.users++
    const subscribed: [string, Listener][] = names.split(',').filter(Boolean).map((name) => [name, (data: any) => handlers.current[name]?.(data)])
    for (const [name, listener] of subscribed) {
      if (!stream.listeners.has(name)) stream.listeners.set(name, new Set())
      stream.listeners.get(name)!.add(listener)
    }
    stream.state.add(setState)
    if (stream.source.readyState === EventSource.OPEN) setState('open')
    return () => {
      for (const [name, listener] of subscribed) stream.listeners.get(name)?.delete(listener)
      stream.state.delete(setState)
      release(query, stream)
    }
  }, [query, names])
  return state
}
