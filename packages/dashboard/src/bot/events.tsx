/** Events with their status; for each, the deliveries the runtime made (request, answer, time, attempts) and "Deliver again". */
import { useState } from 'preact/hooks'
import { api, listDeliveries, redeliver, type Delivery } from '../api.js'
import { useLive } from '../live.js'
import { setQuery, useLocation } from '../router.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Field, Json, More, Pre, Section, Status, Time, useAction, usePaged, valueOf } from '../ui.js'
import { can } from '../role.js'

type Ev = { id: string; type: string; status: string; failureReason?: string | null; createdAt: string; conversationId?: string; payload: unknown }

export default function Events({ workspaceId, botId, role }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const { query } = useLocation()
  const status = query.get('status') ?? ''
  const type = query.get('type') ?? ''
  const [typeDraft, setTypeDraft] = useState(type)
  const list = usePaged(async (nextToken) => {
    const r = await client.listEvents({ nextToken, status: (status || undefined) as never, type: type || undefined })
    return { items: r.events as unknown as Ev[], nextToken: r.meta.nextToken }
  }, [botId, status, type])
  useLive(
    { botId },
    {
      event: ({ event }: { event: Ev }) => {
        // A shown event keeps its row when its status changes (redelivered, say); a new one joins if it matches.
        const shown = list.items.some((e) => e.id === event.id)
        if (!shown && ((status && event.status !== status) || (type && event.type !== type))) return
        list.upsert(event)
      },
    },
  )
  return (
    <Section
      title="Events"
      actions={
        <form
          class="inline"
          role="search"
          onSubmit={(e) => {
            e.preventDefault()
            setQuery({ type: typeDraft.trim() || undefined })
          }}
        >
          <Field label="Status">
            <select value={status} onChange={(e) => setQuery({ status: valueOf(e) || undefined })}>
              <option value="">any</option>
              {['pending', 'processed', 'ignored', 'failed', 'scheduled', 'canceled'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Type">
            <input value={typeDraft} onInput={(e) => setTypeDraft(valueOf(e))} placeholder="message_created" />
          </Field>
          <button type="submit">Filter</button>
        </form>
      }
    >
      <ErrorNote error={list.error} />
      <ul class="rows" aria-label="Events">
        {list.items.map((e) => (
          <EventRow key={e.id} event={e} botId={botId} mayRedeliver={can(role, 'develop')} />
        ))}
      </ul>
      <Empty when={!list.loading && !list.items.length}>No event.</Empty>
      <More list={list} />
      <AllDeliveries botId={botId} mayRedeliver={can(role, 'develop')} />
    </Section>
  )
}

/** Every delivery of the bot (messages to integrations too, which belong to no event), read when opened. */
function AllDeliveries({ botId, mayRedeliver }: { botId: string; mayRedeliver: boolean }) {
  const [open, setOpen] = useState(false)
  return (
    <details class="all-deliveries" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>All deliveries of this bot</summary>
      {open && <Deliveries botId={botId} mayRedeliver={mayRedeliver} />}
    </details>
  )
}

function EventRow({ event, botId, mayRedeliver }: { event: Ev; botId: string; mayRedeliver: boolean }) {
  const [open, setOpen] = useState(false)
  return (
    <li class="row" data-event-id={event.id} data-status={event.status}>
      <div class="row-head">
        <button type="button" class="ghost expander" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> <code>{event.type}</code>
        </button>
        <Status value={event.status} />
        <Time value={event.createdAt} />
        <span class="mono small muted">{event.id}</span>
      </div>
      {event.failureReason && <p class="error small">{event.failureReason}</p>}
      {open && (
        <div class="row-body">
          <Json value={event} label="Event JSON" />
          <Deliveries botId={botId} eventId={event.id} mayRedeliver={mayRedeliver} />
        </div>
      )}
    </li>
  )
}

export function Deliveries({ botId, eventId, mayRedeliver }: { botId: string; eventId?: string; mayRedeliver: boolean }) {
  const list = usePaged(async (nextToken) => {
    const r = await listDeliveries(botId, { eventId, nextToken, limit: 20 })
    return { items: r.deliveries, nextToken: r.meta.nextToken }
  }, [botId, eventId])
  useLive({ botId }, { delivery: ({ delivery }: { delivery: Delivery }) => (!eventId || delivery.eventId === eventId) && list.upsert(delivery) })
  return (
    <div class="deliveries">
      <h3>Deliveries</h3>
      <ErrorNote error={list.error} />
      {list.items.map((d) => (
        <DeliveryView key={d.id} delivery={d} mayRedeliver={mayRedeliver} onChange={list.reload} />
      ))}
      <Empty when={!list.loading && !list.items.length}>No delivery{eventId ? ' for this event' : ''}.</Empty>
      <More list={list} />
    </div>
  )
}

function DeliveryView({ delivery: d, mayRedeliver, onChange }: { delivery: Delivery; mayRedeliver: boolean; onChange: () => void }) {
  const action = useAction()
  // The runtime counts attempts per round (a redelivery starts a new one); the log keeps them all.
  const tries = Math.max(d.attempts, d.attemptsLog?.length ?? 0)
  const settled = d.status === 'delivered' || d.status === 'failed' || d.status === 'canceled'
  return (
    <article class="delivery" data-delivery-id={d.id} data-status={d.status} data-attempts={tries}>
      <div class="row-head">
        <strong>
          {d.operation} → {d.target}
          {d.alias ? ` (${d.alias})` : ''}
        </strong>
        <Status value={d.status} />
        <span data-testid="attempts">
          {tries} attempt{tries === 1 ? '' : 's'}
        </span>
        <Time value={d.updatedAt} />
        {mayRedeliver && (
          <button
            type="button"
            disabled={!settled || action.busy}
            onClick={() =>
              void action.run(async () => {
                await redeliver(d.id)
                onChange()
              })
            }
          >
            Deliver again
          </button>
        )}
      </div>
      {d.lastError && <p class="error small">{d.lastError}</p>}
      <ErrorNote error={action.error} />
      <Json value={d.body} label="Request body" />
      {d.attemptsLog?.length > 0 && (
        <ol class="attempts" aria-label="Attempts">
          {d.attemptsLog.map((a, i) => (
            <li key={i}>
              <div>
                <strong>Attempt {i + 1}</strong> · <Time value={a.startedAt} /> · {a.durationMs} ms · {a.status ? `HTTP ${a.status}` : 'no answer'}
              </div>
              <div class="small mono">POST {a.request?.url}</div>
              {a.error && <p class="error small">{a.error}</p>}
              <details>
                <summary>Request headers and answer</summary>
                <Pre value={{ headers: a.request?.headers, answer: a.response }} />
              </details>
            </li>
          ))}
        </ol>
      )}
    </article>
  )
}
