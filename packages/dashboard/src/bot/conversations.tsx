import { api } from '../api.js'
import { useLive } from '../live.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Grid, More, Section, Tags, Time, usePaged } from '../ui.js'
import { useTagSearch } from './tag-search.js'
import Transcript from './transcript.js'

export default function Conversations(props: BotPageProps) {
  if (props.sub) return <Transcript {...props} conversationId={props.sub} />
  const { workspaceId, botId } = props
  const client = api({ workspaceId, botId })
  const search = useTagSearch()
  const tagText = search.text
  const list = usePaged(async (nextToken) => {
    const r = await client.listConversations({ nextToken, tags: search.tags, sortField: 'createdAt', sortDirection: 'desc' } as never)
    return { items: r.conversations, nextToken: r.meta.nextToken }
  }, [botId, tagText])
  useLive(
    { botId },
    {
      message: ({ message }: { message: { conversationId: string } }) => {
        if (tagText || list.items.some((c) => c.id === message.conversationId)) return
        client.getConversation({ id: message.conversationId }).then((r) => list.upsert(r.conversation), () => undefined)
      },
    },
  )
  const base = `/w/${workspaceId}/bots/${botId}/conversations`
  return (
    <Section
      title="Conversations"
      actions={search.form}
    >
      <ErrorNote error={list.error} />
      <Grid label="Conversations" head={['Conversation', 'Channel', 'Tags', 'Created', 'Updated']}>
        {list.items.map((c) => (
          <tr key={c.id}>
            <td>
              <a class="mono small" href={`${base}/${c.id}`}>
                {c.id}
              </a>
            </td>
            <td>
              {c.integration}
              {c.channel ? ` · ${c.channel}` : ''}
            </td>
            <td>
              <Tags tags={c.tags} />
            </td>
            <td>
              <Time value={c.createdAt} />
            </td>
            <td>
              <Time value={c.updatedAt} />
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>No conversation{tagText ? ' with these tags' : ''}.</Empty>
      <More list={list} />
    </Section>
  )
}
