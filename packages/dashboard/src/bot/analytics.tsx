/** Analytics as a chart: one bar group per day (user and bot messages), drawn as inline SVG. */
import { useEffect, useState } from 'preact/hooks'
import { api, describeError } from '../api.js'
import type { BotPageProps } from '../pages/bot.js'
import { ErrorNote, Field, Grid, Section, valueOf } from '../ui.js'

type Record_ = { startDateTimeUtc: string; userMessages: number; botMessages: number; newUsers: number; returningUsers: number; sessions: number; events: number }

export default function Analytics({ workspaceId, botId }: BotPageProps) {
  const [days, setDays] = useState(14)
  const [records, setRecords] = useState<Record_[]>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    const end = new Date()
    const start = new Date(end.getTime() - days * 86_400_000)
    api({ workspaceId, botId })
      .getBotAnalytics({ id: botId, startDate: start.toISOString(), endDate: end.toISOString() })
      .then((r) => setRecords(r.records as Record_[]), (e) => setError(describeError(e)))
  }, [botId, days])
  return (
    <Section
      title="Analytics"
      actions={
        <Field label="Period">
          <select value={String(days)} onChange={(e) => setDays(Number(valueOf(e)))}>
            <option value="7">7 days</option>
            <option value="14">14 days</option>
            <option value="30">30 days</option>
          </select>
        </Field>
      }
    >
      <ErrorNote error={error} />
      {records && <Chart records={records} />}
      {records && (
        <details>
          <summary>As a table</summary>
          <Grid label="Analytics" head={['Day', 'User messages', 'Bot messages', 'New users', 'Returning users', 'Sessions', 'Events']}>
            {records.map((r) => (
              <tr key={r.startDateTimeUtc}>
                <td>{r.startDateTimeUtc.slice(0, 10)}</td>
                <td>{r.userMessages}</td>
                <td>{r.botMessages}</td>
                <td>{r.newUsers}</td>
                <td>{r.returningUsers}</td>
                <td>{r.sessions}</td>
                <td>{r.events}</td>
              </tr>
            ))}
          </Grid>
        </details>
      )}
    </Section>
  )
}

function Chart({ records }: { records: Record_[] }) {
  const W = 720
  const H = 240
  const pad = { l: 40, r: 10, t: 10, b: 30 }
  const max = Math.max(1, ...records.map((r) => Math.max(r.userMessages, r.botMessages)))
  const n = Math.max(1, records.length)
  const slot = (W - pad.l - pad.r) / n
  const bar = Math.max(2, slot / 2 - 2)
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max)
  const ticks = [0, Math.round(max / 2), max]
  const total = records.reduce((s, r) => s + r.userMessages + r.botMessages, 0)
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Messages per day: ${total} in all`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} class="axis" />
            <text x={pad.l - 6} y={y(t) + 4} text-anchor="end" class="tick">
              {t}
            </text>
          </g>
        ))}
        {records.map((r, i) => {
          const x = pad.l + i * slot + 2
          return (
            <g key={r.startDateTimeUtc}>
              <rect x={x} y={y(r.userMessages)} width={bar} height={H - pad.b - y(r.userMessages)} class="bar-user">
                <title>{`${r.startDateTimeUtc.slice(0, 10)}: ${r.userMessages} user messages`}</title>
              </rect>
              <rect x={x + bar + 1} y={y(r.botMessages)} width={bar} height={H - pad.b - y(r.botMessages)} class="bar-bot">
                <title>{`${r.startDateTimeUtc.slice(0, 10)}: ${r.botMessages} bot messages`}</title>
              </rect>
              {(n <= 14 || i % Math.ceil(n / 10) === 0) && (
                <text x={x + bar} y={H - pad.b + 16} text-anchor="middle" class="tick">
                  {r.startDateTimeUtc.slice(5, 10)}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <figcaption>
        <span class="swatch bar-user" /> user messages <span class="swatch bar-bot" /> bot messages
      </figcaption>
    </figure>
  )
}
