/** A page loaded on first use (its own chunk), so the first page stays small. */
import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'

export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let Loaded: ComponentType<P> | undefined
  let loading: Promise<void> | undefined
  let failed: unknown
  return function Lazy(props: P) {
    const [, setReady] = useState(0)
    useEffect(() => {
      if (Loaded) return
      loading ??= load().then(
        (m) => void (Loaded = m.default),
        (e) => void (failed = e),
      )
      let live = true
      void loading.then(() => live && setReady((n) => n + 1))
      return () => void (live = false)
    }, [])
    if (Loaded) return <Loaded {...props} />
    if (failed) return <p class="error" role="alert">This page could not be loaded: {String(failed)}</p>
    return <p class="muted" role="status">Loading…</p>
  }
}
