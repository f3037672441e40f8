import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { useLive } from '../live.js'
import { setQuery, useLocation } from '../router.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Field, Grid, More, Section, Tags, Time, usePaged, valueOf } from '../ui.js'
import Transcript from './transcript.js'

/** `key=value key2=value2` into a tags object. */
export function parseTags(text: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {}
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const i = part.indexOf('=')
    if (i > 0) tags[part.slice(0, i)] = part.slice(i + 1)
  }
  return Object.keys(tags).length ? tags : undefined
}

export default function Conversations(props: BotPageProps) {
  if (props.sub) return <Transcript {...props} conversationId={props.sub} />
  const { workspaceId, botId } = props
  const client = api({ workspaceId, botId })
  const { query } = useLocation()
  const tagText = query.get('tags') ?? ''
  const [draft, setDraft] = useState(tagText)
  const list = usePaged(async (nextToken) => {
    const r = await client.listConversations({ nextToken, tags: parseTags(tagText), sortField: 'createdAt', sortDirection: 'desc' } as never)
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
      actions={
        <form
          class="inline"
          role="search"
          onSubmit={(e) => {
            e.preventDefault()
            setQuery({ tags: draft.trim() || undefined })
          }}
        >
          <Field label="Tags">
            <input value={draft} onInput={(e) => setDraft(valueOf(e))} placeholder="key=value" />
          </Field>
          <button type="submit">Search</button>
        </form>
      }
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
