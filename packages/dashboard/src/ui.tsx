/** Shared pieces of every page: paged lists, errors, JSON on demand, tables, time. */
import { cloneElement, type ComponentChildren, type JSX, type VNode } from 'preact'
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks'
import { describeError } from './api.js'

export type Page<T> = { items: T[]; nextToken?: string }

/**
 * A list read one page at a time (never without a limit): `items` so far, `more()` for the next page,
 * `upsert()` for what the live stream brings (newest first, one row per id).
 */
export function usePaged<T extends { id: string }>(load: (nextToken?: string) => Promise<Page<T>>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([])
  const [nextToken, setNextToken] = useState<string | undefined>()
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | undefined>()
  const generation = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  const reload = useCallback(() => {
    const mine = ++generation.current
    setLoading(true)
    setError(undefined)
    loadRef
      .current(undefined)
      .then((page) => {
        if (mine !== generation.current) return
        setItems(page.items)
        setNextToken(page.nextToken)
      })
      .catch((e) => mine === generation.current && setError(describeError(e)))
      .finally(() => mine === generation.current && setLoading(false))
  }, [])

  useEffect(reload, deps)

  const more = useCallback(() => {
    if (!nextToken) return
    const mine = generation.current
    setLoading(true)
    loadRef
      .current(nextToken)
      .then((page) => {
        if (mine !== generation.current) return
        setItems((old) => dedupe([...old, ...page.items]))
        setNextToken(page.nextToken)
      })
      .catch((e) => setError(describeError(e)))
      .finally(() => setLoading(false))
  }, [nextToken])

  const upsert = useCallback((item: T, where: 'start' | 'end' = 'start') => {
    setItems((old) => {
      const i = old.findIndex((x) => x.id === item.id)
      if (i >= 0) return old.map((x, j) => (j === i ? item : x))
      return where === 'start' ? [item, ...old] : [...old, item]
    })
  }, [])

  return { items, setItems, nextToken, loading, error, more, reload, upsert }
}

function dedupe<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>()
  return items.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)))
}

export function More({ list, label = 'Load more' }: { list: { nextToken?: string; loading: boolean; more: () => void }; label?: string }) {
  if (list.loading) return <p class="muted" role="status">Loading…</p>
  if (!list.nextToken) return null
  return (
    <p>
      <button type="button" onClick={list.more}>
        {label}
      </button>
    </p>
  )
}

export function ErrorNote({ error }: { error?: string }) {
  if (!error) return null
  return (
    <p class="error" role="alert">
      {error}
    </p>
  )
}

export function Empty({ when, children }: { when: boolean; children: ComponentChildren }) {
  return when ? <p class="muted empty">{children}</p> : null
}

/** An object's JSON, shown only when asked for. */
export function Json({ value, label = 'JSON' }: { value: unknown; label?: string }) {
  const [open, setOpen] = useState(false)
  return (
    <details class="json" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{label}</summary>
      {open && <pre tabIndex={0}>{JSON.stringify(value, null, 2)}</pre>}
    </details>
  )
}

export function Pre({ value }: { value: unknown }) {
  return <pre class="pre" tabIndex={0}>{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>
}

export function Time({ value }: { value?: string | number }) {
  if (value === undefined || value === null || value === '') return <span class="muted">—</span>
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return <span>{String(value)}</span>
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {d.toLocaleString()}
    </time>
  )
}

export function Tags({ tags }: { tags?: Record<string, string> }) {
  const entries = Object.entries(tags ?? {})
  if (!entries.length) return <span class="muted">—</span>
  return (
    <span class="tags">
      {entries.map(([k, v]) => (
        <code class="tag" key={k}>
          {k}={v}
        </code>
      ))}
    </span>
  )
}

export function Status({ value }: { value?: string }) {
  return <span class={`status status-${value ?? 'unknown'}`}>{value ?? 'unknown'}</span>
}

export function Section({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card">
      <header class="card-head">
        <h2>{title}</h2>
        {actions && <div class="actions">{actions}</div>}
      </header>
      {children}
    </section>
  )
}

/** A table that scrolls sideways on a narrow screen instead of breaking the layout. */
export function Grid({ head, children, label }: { head: string[]; children: ComponentChildren; label: string }) {
  return (
    <div class="grid-wrap" role="region" aria-label={label} tabIndex={0}>
      <table class="grid">
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

/** A form field with its label. */
export function Field({ label, children, hint }: { label: string; children: VNode<any>; hint?: string }) {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {cloneElement(children, { id })}
      {hint && <small class="muted">{hint}</small>}
    </div>
  )
}

/** A secret shown once, with a copy button. */
export function ShownOnce({ value, what }: { value: string; what: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{what}</strong> (shown once; copy it now):
      </p>
      <code class="secret" data-testid="secret">
        {value}
      </code>{' '}
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => undefined)
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  )
}

/** Runs an async action from a button, with its error shown next to it. */
export function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const run = useCallback(async <T,>(f: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(undefined)
    try {
      return await f()
    } catch (e) {
      setError(describeError(e))
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, setError }
}

export type InputEvent = JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, Event>
export const valueOf = (e: InputEvent) => e.currentTarget.value
