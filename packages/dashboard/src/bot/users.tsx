import { api } from '../api.js'
import { useLive } from '../live.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Grid, Json, More, Section, Tags, Time, usePaged } from '../ui.js'
import { useTagSearch } from './tag-search.js'

export default function Users({ workspaceId, botId }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const search = useTagSearch()
  const tagText = search.text
  const list = usePaged(async (nextToken) => {
    const r = await client.listUsers({ nextToken, tags: search.tags } as never)
    return { items: r.users, nextToken: r.meta.nextToken }
  }, [botId, tagText])
  // A user seen for the first time in a live message joins the list (when no tag filter is set).
  useLive(
    { botId },
    {
      message: ({ message }: { message: { userId: string } }) => {
        if (tagText || list.items.some((u) => u.id === message.userId)) return
        client.getUser({ id: message.userId }).then((r) => list.upsert(r.user), () => undefined)
      },
    },
  )
  return (
    <Section
      title="Users"
      actions={search.form}
    >
      <ErrorNote error={list.error} />
      <Grid label="Users" head={['User', 'Name', 'Tags', 'Created', '']}>
        {list.items.map((u) => (
          <tr key={u.id}>
            <td class="mono small">{u.id}</td>
            <td>{u.name ?? ''}</td>
            <td>
              <Tags tags={u.tags} />
            </td>
            <td>
              <Time value={u.createdAt} />
            </td>
            <td>
              <Json value={u} />
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>No user.</Empty>
      <More list={list} />
    </Section>
  )
}
