import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Field, Grid, Json, More, Section, Status, Time, usePaged, valueOf } from '../ui.js'

export default function ActionRuns({ workspaceId, botId }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const [aliases, setAliases] = useState<string[]>([])
  const [alias, setAlias] = useState('')
  useEffect(() => {
    client.getBot({ id: botId }).then((r) => {
      const names = Object.keys(r.bot.integrations ?? {})
      setAliases(names)
      setAlias((a) => a || names[0] || '')
    }, () => undefined)
  }, [botId])
  const list = usePaged(async (nextToken) => {
    if (!alias) return { items: [] }
    const r = await client.listActionRuns({ id: botId, integrationName: alias, nextToken })
    return { items: r.data.map((run, i) => ({ ...run, id: `${run.timestamp}-${i}-${nextToken ?? ''}` })), nextToken: r.meta.nextToken }
  }, [botId, alias])
  return (
    <Section
      title="Action runs"
      actions={
        <Field label="Integration">
          <select value={alias} onChange={(e) => setAlias(valueOf(e))}>
            {aliases.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </Field>
      }
    >
      <ErrorNote error={list.error} />
      <Grid label="Action runs" head={['Action', 'Status', 'Duration', 'When', 'Input and output']}>
        {list.items.map((r) => (
          <tr key={r.id}>
            <td>
              <code>{r.actionType}</code>
            </td>
            <td>
              <Status value={r.status.toLowerCase()} />
              {r.errorMessage && <div class="error small">{r.errorMessage}</div>}
            </td>
            <td>{r.durationMs} ms</td>
            <td>
              <Time value={r.timestamp} />
            </td>
            <td>
              <Json value={{ input: r.input, output: r.output }} />
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>{aliases.length ? 'No action run.' : 'No integration is installed on this bot.'}</Empty>
      <More list={list} />
    </Section>
  )
}
