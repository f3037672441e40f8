import { api } from '../api.js'
import { useLive } from '../live.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Grid, Json, More, Section, Time, usePaged } from '../ui.js'

export default function Issues({ workspaceId, botId }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const list = usePaged(async (nextToken) => {
    const r = await client.listBotIssues({ id: botId, nextToken })
    return { items: r.issues, nextToken: r.meta.nextToken }
  }, [botId])
  useLive({ botId }, { issue: () => list.reload() })
  return (
    <Section title="Issues">
      <ErrorNote error={list.error} />
      <Grid label="Issues" head={['Issue', 'Category', 'Events', 'Last seen', '']}>
        {list.items.map((i) => (
          <tr key={i.id}>
            <td>
              <strong>{i.title}</strong>
              <div class="small">{i.description}</div>
              <code class="small muted">{i.code}</code>
            </td>
            <td>{i.category}</td>
            <td>{i.eventsCount}</td>
            <td>
              <Time value={i.lastSeenAt} />
            </td>
            <td>
              <Json value={i} />
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>No issue: all good.</Empty>
      <More list={list} />
    </Section>
  )
}
