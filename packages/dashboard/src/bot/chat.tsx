/** "Chat with the bot": bpkit's built-in chat channel, installed on demand; the bot's replies arrive live. */
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, describeError, installChat, sendChat } from '../api.js'
import { useLive } from '../live.js'
import { ErrorNote } from '../ui.js'
import { MessageBubble, type Msg } from './message-view.js'

export default function Chat({ workspaceId, botId, onClose }: { workspaceId: string; botId: string; onClose: () => void }) {
  const [installed, setInstalled] = useState(false)
  const [error, setError] = useState<string>()
  const [conversationId, setConversationId] = useState<string | undefined>(() => sessionStorage.getItem(`bpkit-chat:${botId}`) ?? undefined)
  const [messages, setMessages] = useState<Msg[]>([])
  const [text, setText] = useState('')
  const [sending, setSending] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const end = useRef<HTMLDivElement>(null)
  const pending = useRef<Msg[]>([])

  useEffect(() => {
    installChat(botId).then(
      () => setInstalled(true),
      (e) => setError(describeError(e)),
    )
    input.current?.focus()
  }, [botId])

  // An earlier conversation of this tab: its newest page.
  useEffect(() => {
    if (!conversationId) return
    api({ workspaceId, botId })
      .listMessages({ conversationId })
      .then((r) => setMessages((old) => merge(old, r.messages as unknown as Msg[])), () => undefined)
  }, [conversationId])

  useLive(
    { botId },
    {
      message: ({ message }: { message: Msg }) => {
        if (!conversationId) {
          pending.current.push(message)
          return
        }
        if (message.conversationId === conversationId) setMessages((old) => merge(old, [message]))
      },
    },
  )

  useEffect(() => end.current?.scrollIntoView?.({ block: 'nearest' }), [messages.length])

  const send = async (value: string) => {
    if (!value.trim()) return
    setSending(true)
    setError(undefined)
    try {
      const r = await sendChat(botId, { conversationId, type: 'text', payload: { text: value } })
      if (!conversationId) {
        sessionStorage.setItem(`bpkit-chat:${botId}`, r.conversationId)
        setConversationId(r.conversationId)
        const early = pending.current.filter((m) => m.conversationId === r.conversationId)
        pending.current = []
        setMessages((old) => merge(old, early))
      }
      setMessages((old) => merge(old, [r.message as unknown as Msg]))
      setText('')
    } catch (e) {
      setError(describeError(e))
    } finally {
      setSending(false)
      input.current?.focus()
    }
  }

  return (
    <div class="chat" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header class="chat-head">
        <h2>Chat with the bot</h2>
        <div class="actions">
          <button
            type="button"
            class="ghost"
            onClick={() => {
              sessionStorage.removeItem(`bpkit-chat:${botId}`)
              setConversationId(undefined)
              setMessages([])
            }}
          >
            New conversation
          </button>
          <button type="button" class="ghost" aria-label="Close chat" onClick={onClose}>
            ✕
          </button>
        </div>
      </header>
      <p class="muted small">{installed ? `Through bpkit's built-in chat channel${conversationId ? ` · ${conversationId}` : ''}` : 'Installing the chat channel…'}</p>
      <ol class="transcript chat-log" aria-label="Chat messages" aria-live="polite" data-testid="chat-log">
        {messages.map((m) => (
          <MessageBubble key={m.id} message={m} showJson={false} onChoose={(v) => void send(v)} />
        ))}
      </ol>
      <div ref={end} />
      <ErrorNote error={error} />
      <form
        class="chat-form"
        onSubmit={(e) => {
          e.preventDefault()
          void send(text)
        }}
      >
        <label class="visually-hidden" for="chat-input">
          Message
        </label>
        <input id="chat-input" ref={input} value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="Say something to the bot" autocomplete="off" />
        <button type="submit" disabled={sending || !installed}>
          Send
        </button>
      </form>
    </div>
  )
}

function merge(old: Msg[], add: Msg[]): Msg[] {
  const byId = new Map(old.map((m) => [m.id, m]))
  for (const m of add) if (m?.id) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1))
}
