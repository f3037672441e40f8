/** Tables: rows in a grid, the API's filter language (a MongoDB-like JSON filter), paging by offset, edit a row. */
import { useEffect, useState } from 'preact/hooks'
import { api, describeError } from '../api.js'
import { navigate, setQuery, useLocation } from '../router.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Field, Grid, Section, useAction, valueOf } from '../ui.js'

const PAGE = 50
const SYSTEM = ['id', 'createdAt', 'updatedAt', 'similarity', 'computed', 'stale']
type Row = Record<string, unknown> & { id: number }

export default function Tables({ workspaceId, botId, sub }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const [tables, setTables] = useState<{ id: string; name: string }[]>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    client.listTables({}).then((r) => setTables(r.tables), (e) => setError(describeError(e)))
  }, [botId])
  const base = `/w/${workspaceId}/bots/${botId}/tables`
  return (
    <div class="split">
      <Section title="Tables">
        <ErrorNote error={error} />
        <ul class="plain" aria-label="Tables">
          {tables?.map((t) => (
            <li key={t.id}>
              <a href={`${base}/${encodeURIComponent(t.name)}`} aria-current={t.name === sub ? 'page' : undefined}>
                {t.name}
              </a>
            </li>
          ))}
        </ul>
        <Empty when={!!tables && !tables.length}>No table.</Empty>
      </Section>
      {sub ? <TableRows key={sub} workspaceId={workspaceId} botId={botId} table={sub} /> : tables?.[0] ? <Redirect to={`${base}/${encodeURIComponent(tables[0].name)}`} /> : null}
    </div>
  )
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to])
  return null
}

function TableRows({ workspaceId, botId, table }: { workspaceId: string; botId: string; table: string }) {
  const client = api({ workspaceId, botId })
  const { query } = useLocation()
  const filterText = query.get('filter') ?? ''
  const offset = Number(query.get('offset') ?? 0) || 0
  const [draft, setDraft] = useState(filterText)
  const [columns, setColumns] = useState<string[]>([])
  const [rows, setRows] = useState<Row[]>([])
  const [hasMore, setHasMore] = useState(false)
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(true)
  const [editing, setEditing] = useState<number>()
  const [tick, setTick] = useState(0)

  useEffect(() => {
    client.getTable({ table }).then((r) => setColumns(Object.keys((r.table.schema as { properties?: object }).properties ?? {})), () => undefined)
  }, [table])

  useEffect(() => {
    let filter: Record<string, unknown> | undefined
    setError(undefined)
    if (filterText.trim()) {
      try {
        filter = JSON.parse(filterText)
      } catch (e) {
        setError(`The filter is not JSON: ${(e as Error).message}`)
        setRows([])
        setLoading(false)
        return
      }
    }
    setLoading(true)
    client
      .findTableRows({ table, filter, limit: PAGE, offset, orderBy: 'id', orderDirection: 'asc' } as never)
      .then((r) => {
        setRows(r.rows as Row[])
        setHasMore(r.hasMore)
      }, (e) => setError(describeError(e)))
      .finally(() => setLoading(false))
  }, [table, filterText, offset, tick])

  return (
    <Section title={`Table ${table}`}>
      <form
        class="filter-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          setQuery({ filter: draft.trim() || undefined, offset: undefined })
        }}
      >
        <Field label="Filter" hint='e.g. {"name": {"$eq": "Ada"}} or {"age": {"$gte": 30}}, with $and, $or, $in, $regex…'>
          <textarea rows={2} value={draft} onInput={(e) => setDraft(valueOf(e))} class="mono" spellcheck={false} />
        </Field>
        <button type="submit">Apply filter</button>
        {filterText && (
          <button type="button" class="ghost" onClick={() => (setDraft(''), setQuery({ filter: undefined, offset: undefined }))}>
            Clear
          </button>
        )}
      </form>
      <ErrorNote error={error} />
      <Grid label={`Rows of ${table}`} head={['id', ...columns, '']}>
        {rows.map((row) =>
          editing === row.id ? (
            <EditRow key={row.id} row={row} columns={columns} table={table} workspaceId={workspaceId} botId={botId} onDone={(saved) => (setEditing(undefined), saved && setTick((n) => n + 1))} />
          ) : (
            <tr key={row.id} data-row-id={row.id}>
              <td class="mono">{row.id}</td>
              {columns.map((c) => (
                <td key={c}>{show(row[c])}</td>
              ))}
              <td>
                <button type="button" onClick={() => setEditing(row.id)} aria-label={`Edit row ${row.id}`}>
                  Edit
                </button>
              </td>
            </tr>
          ),
        )}
      </Grid>
      {loading && <p class="muted" role="status">Loading…</p>}
      <Empty when={!loading && !rows.length && !error}>No row{filterText ? ' matches the filter' : ''}.</Empty>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={offset === 0} onClick={() => setQuery({ offset: offset - PAGE > 0 ? String(offset - PAGE) : undefined })}>
          Previous
        </button>
        <span class="muted" data-testid="page-range">
          rows {rows.length ? offset + 1 : 0}–{offset + rows.length}
        </span>
        <button type="button" disabled={!hasMore} onClick={() => setQuery({ offset: String(offset + PAGE) })}>
          Next
        </button>
      </nav>
    </Section>
  )
}

function show(v: unknown): string {
  if (v === null || v === undefined) return ''
  return typeof v === 'object' ? JSON.stringify(v) : String(v)
}

function EditRow({ row, columns, table, workspaceId, botId, onDone }: { row: Row; columns: string[]; table: string; workspaceId: string; botId: string; onDone: (saved: boolean) => void }) {
  const editable = columns.filter((c) => !SYSTEM.includes(c))
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(editable.map((c) => [c, typeof row[c] === 'object' && row[c] !== null ? JSON.stringify(row[c]) : show(row[c])])))
  const action = useAction()
  return (
    <tr data-row-id={row.id} class="editing">
      <td class="mono">{row.id}</td>
      {columns.map((c) => (
        <td key={c}>
          {editable.includes(c) ? (
            <input aria-label={c} value={values[c]} onInput={(e) => setValues({ ...values, [c]: valueOf(e) })} />
          ) : (
            show(row[c])
          )}
        </td>
      ))}
      <td>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              const update: Record<string, unknown> = { id: row.id }
              for (const c of editable) update[c] = coerce(values[c] ?? '', row[c])
              const r = await api({ workspaceId, botId }).updateTableRows({ table, rows: [update as never] })
              if (r.errors?.length) throw new Error(r.errors.join('; '))
              onDone(true)
            })
          }
        >
          Save
        </button>{' '}
        <button type="button" class="ghost" onClick={() => onDone(false)}>
          Cancel
        </button>
        <ErrorNote error={action.error} />
      </td>
    </tr>
  )
}

/** Keeps the column's type: a number stays a number, a boolean a boolean, an object is parsed. */
function coerce(text: string, before: unknown): unknown {
  if (text === '') return null
  if (typeof before === 'number') return Number(text)
  if (typeof before === 'boolean') return text === 'true'
  if (typeof before === 'object' && before !== null) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}
