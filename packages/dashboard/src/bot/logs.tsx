/** Logs: the last hour read through getBotLogs, then a live tail; level and text filters. */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.js'
import { useLive } from '../live.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Field, More, Section, usePaged, valueOf } from '../ui.js'

type Line = { id: string; timestamp: string; level: string; message: string }

export default function Logs({ workspaceId, botId }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const [level, setLevel] = useState('')
  const [text, setText] = useState('')
  const [paused, setPaused] = useState(false)
  const [since] = useState(() => new Date(Date.now() - 24 * 3600_000).toISOString())
  // The server filters what it reads (level, messageContains), so paging goes through matching lines only;
  // live lines are filtered here. The text filter waits for typing to pause.
  const [needleQuery, setNeedleQuery] = useState('')
  useEffect(() => {
    const t = setTimeout(() => setNeedleQuery(text.trim()), 300)
    return () => clearTimeout(t)
  }, [text])
  const list = usePaged(async (nextToken) => {
    const r = await client.getBotLogs({ id: botId, timeStart: since, timeEnd: new Date(Date.now() + 60_000).toISOString(), nextToken, level: level || undefined, messageContains: needleQuery || undefined })
    return { items: r.logs.map((l, i) => ({ ...l, id: `${l.timestamp}|${i}|${nextToken ?? ''}|${l.message.slice(0, 40)}` })), nextToken: r.nextToken }
  }, [botId, level, needleQuery])
  const live = useLive({ botId }, { log: ({ line }: { line: Omit<Line, 'id'> }) => !paused && list.upsert({ ...line, id: `live|${line.timestamp}|${Math.random()}` }) })
  const needle = text.toLowerCase()
  const shown = list.items
    .filter((l) => (!level || l.level === level) && (!needle || l.message.toLowerCase().includes(needle)))
    .sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0))
  return (
    <Section
      title="Logs"
      actions={
        <div class="inline">
          <Field label="Level">
            <select value={level} onChange={(e) => setLevel(valueOf(e))}>
              <option value="">all</option>
              {['debug', 'info', 'warn', 'error'].map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </Field>
          <Field label="Contains">
            <input value={text} onInput={(e) => setText(valueOf(e))} />
          </Field>
          <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
            {paused ? 'Resume tail' : 'Pause tail'}
          </button>
        </div>
      }
    >
      <p class="muted small" role="status">
        Live tail: {paused ? 'paused' : live}
      </p>
      <ErrorNote error={list.error} />
      <ol class="logs" aria-label="Log lines" tabIndex={0}>
        {shown.map((l) => (
          <li key={l.id} class={`log log-${l.level}`}>
            <time class="mono small">{l.timestamp}</time> <span class="level">{l.level}</span> <span class="mono">{l.message}</span>
          </li>
        ))}
      </ol>
      <Empty when={!list.loading && !shown.length}>No log line{level || text ? ' matches' : ''}.</Empty>
      <More list={list} label="Older lines" />
    </Section>
  )
}
