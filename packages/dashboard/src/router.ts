/** A small history router: the server answers index.html for every dashboard path. */
import { useEffect, useState } from 'preact/hooks'

const subscribers = new Set<() => void>()

export function navigate(to: string, replace = false) {
  if (to === location.pathname + location.search) return
  history[replace ? 'replaceState' : 'pushState'](null, '', to)
  subscribers.forEach((f) => f())
  window.scrollTo(0, 0)
}

addEventListener('popstate', () => subscribers.forEach((f) => f()))

// Same-origin links navigate without a reload (modifier keys and new tabs keep the browser's behaviour).
addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  const a = (e.target as Element | null)?.closest?.('a')
  if (!a || a.target || a.hasAttribute('download')) return
  const href = a.getAttribute('href')
  if (!href || !href.startsWith('/') || href.startsWith('//') || /^\/(auth|live|_bpkit|v1|v2|docs|files|webhooks)\b/.test(href)) return
  e.preventDefault()
  navigate(href)
})

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, force] = useState(0)
  useEffect(() => {
    const f = () => force((n) => n + 1)
    subscribers.add(f)
    return () => void subscribers.delete(f)
  }, [])
  return { path: location.pathname, query: new URLSearchParams(location.search) }
}

/** Sets one query parameter of the current page (filters live in the URL so that a page can be shared). */
export function setQuery(values: Record<string, string | undefined>) {
  const query = new URLSearchParams(location.search)
  for (const [k, v] of Object.entries(values)) v ? query.set(k, v) : query.delete(k)
  const s = query.toString()
  navigate(location.pathname + (s ? `?${s}` : ''), true)
}
