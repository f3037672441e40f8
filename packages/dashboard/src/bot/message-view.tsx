/** A message as a chat bubble: text, image, choice/dropdown, card and carousel render as such. */
import { Json, Time } from '../ui.js'

export type Msg = {
  id: string
  type: string
  direction: 'incoming' | 'outgoing'
  payload: Record<string, any>
  userId: string
  conversationId: string
  createdAt: string
  tags?: Record<string, string>
}

type Choose = (text: string) => void

export function MessageBubble({ message, onChoose, showJson = true }: { message: Msg; onChoose?: Choose; showJson?: boolean }) {
  return (
    <li class={`bubble ${message.direction}`} data-message-id={message.id} data-type={message.type}>
      <div class="bubble-meta">
        <span>{message.direction === 'incoming' ? 'user' : 'bot'}</span> · <Time value={message.createdAt} /> · <span class="muted">{message.type}</span>
      </div>
      <div class="bubble-body">
        <Payload type={message.type} payload={message.payload ?? {}} onChoose={onChoose} />
      </div>
      {showJson && <Json value={message} />}
    </li>
  )
}

function Payload({ type, payload, onChoose }: { type: string; payload: Record<string, any>; onChoose?: Choose }) {
  switch (type) {
    case 'text':
      return <p class="text">{String(payload.text ?? '')}</p>
    case 'markdown':
      return <p class="text">{String(payload.markdown ?? '')}</p>
    case 'image':
      return <img class="msg-image" src={safeUrl(payload.imageUrl)} alt={payload.title ?? 'image'} loading="lazy" />
    case 'choice':
    case 'dropdown':
      return (
        <div>
          {payload.text && <p class="text">{String(payload.text)}</p>}
          {type === 'choice' ? (
            <div class="choices" role="group" aria-label="Choices">
              {(payload.options ?? []).map((o: { label: string; value: string }) => (
                <button type="button" key={o.value} disabled={!onChoose} onClick={() => onChoose?.(o.value)}>
                  {o.label}
                </button>
              ))}
            </div>
          ) : (
            <select aria-label="Choose" disabled={!onChoose} onChange={(e) => e.currentTarget.value && onChoose?.(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {(payload.options ?? []).map((o: { label: string; value: string }) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </div>
      )
    case 'card':
      return <Card card={payload} onChoose={onChoose} />
    case 'carousel':
      return (
        <div class="carousel" role="list" aria-label="Carousel" tabIndex={0}>
          {(payload.items ?? []).map((c: Record<string, any>, i: number) => (
            <div role="listitem" key={i}>
              <Card card={c} onChoose={onChoose} />
            </div>
          ))}
        </div>
      )
    case 'audio':
      return <audio controls src={safeUrl(payload.audioUrl)} />
    case 'video':
      return <video controls src={safeUrl(payload.videoUrl)} class="msg-image" />
    case 'file':
      return (
        <a href={safeUrl(payload.fileUrl)} target="_blank" rel="noopener">
          {payload.title ?? 'file'}
        </a>
      )
    case 'location':
      return (
        <p class="text">
          📍 {payload.title ?? ''} {payload.address ?? ''} ({payload.latitude}, {payload.longitude})
        </p>
      )
    default:
      return <pre class="pre small">{JSON.stringify(payload, null, 2)}</pre>
  }
}

function Card({ card, onChoose }: { card: Record<string, any>; onChoose?: Choose }) {
  return (
    <div class="msg-card">
      {card.imageUrl && <img src={safeUrl(card.imageUrl)} alt="" loading="lazy" />}
      <strong>{card.title}</strong>
      {card.subtitle && <p class="muted">{card.subtitle}</p>}
      <div class="choices">
        {(card.actions ?? []).map((a: { action: string; label: string; value: string }, i: number) =>
          a.action === 'url' ? (
            <a key={i} class="button" href={safeUrl(a.value)} target="_blank" rel="noopener">
              {a.label}
            </a>
          ) : (
            <button key={i} type="button" disabled={!onChoose} onClick={() => onChoose?.(a.value)}>
              {a.label}
            </button>
          ),
        )}
      </div>
    </div>
  )
}

/** Only http(s) and data images: never a javascript: URL from a message. */
function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined
  return /^(https?:|data:image\/|\/)/i.test(url) ? url : undefined
}
