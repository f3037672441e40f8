/**
 * A conversation's messages as a chat transcript. It reads from the newest page (the API lists newest
 * first), so a conversation of any length opens at once; "Older messages" reads the next page.
 */
import { useEffect, useRef } from 'preact/hooks'
import { api } from '../api.js'
import { useLive } from '../live.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Json, More, Section, usePaged } from '../ui.js'
import { MessageBubble, type Msg } from './message-view.js'

export default function Transcript({ workspaceId, botId, conversationId }: BotPageProps & { conversationId: string }) {
  const client = api({ workspaceId, botId })
  const list = usePaged(async (nextToken) => {
    const r = await client.listMessages({ conversationId, nextToken })
    return { items: r.messages as unknown as Msg[], nextToken: r.meta.nextToken }
  }, [botId, conversationId])
  useLive({ botId }, { message: ({ message }: { message: Msg }) => message.conversationId === conversationId && list.upsert(message) })
  const bottom = useRef<HTMLDivElement>(null)
  const count = list.items.length
  const newest = list.items[0]?.id
  useEffect(() => bottom.current?.scrollIntoView?.({ block: 'nearest' }), [newest])
  const ordered = [...list.items].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1))
  return (
    <Section title="Conversation" actions={<a href={`/w/${workspaceId}/bots/${botId}/conversations`}>All conversations</a>}>
      <p class="mono small muted">{conversationId}</p>
      <ConversationJson workspaceId={workspaceId} botId={botId} conversationId={conversationId} />
      <ErrorNote error={list.error} />
      <More list={list} label="Older messages" />
      <ol class="transcript" aria-label="Messages" data-testid="transcript" data-count={count}>
        {ordered.map((m) => (
          <MessageBubble key={m.id} message={m} />
        ))}
      </ol>
      <Empty when={!list.loading && !count}>No message in this conversation.</Empty>
      <div ref={bottom} />
    </Section>
  )
}

function ConversationJson({ workspaceId, botId, conversationId }: { workspaceId: string; botId: string; conversationId: string }) {
  const list = usePaged(async () => {
    const r = await api({ workspaceId, botId }).getConversation({ id: conversationId })
    return { items: [r.conversation] }
  }, [conversationId])
  const c = list.items[0]
  return c ? <Json value={c} label="Conversation JSON" /> : null
}
