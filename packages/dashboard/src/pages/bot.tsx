/** A bot: its tabs (each its own chunk) and the "Chat with the bot" panel. */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.js'
import { lazy } from '../lazy.js'
import { useRole } from '../role.js'

export type BotPageProps = { workspaceId: string; botId: string; sub?: string; role?: string }

const tabs: { id: string; label: string; page: preact.ComponentType<BotPageProps> }[] = [
  { id: 'conversations', label: 'Conversations', page: lazy(() => import('../bot/conversations.js')) },
  { id: 'users', label: 'Users', page: lazy(() => import('../bot/users.js')) },
  { id: 'states', label: 'States', page: lazy(() => import('../bot/states.js')) },
  { id: 'events', label: 'Events', page: lazy(() => import('../bot/events.js')) },
  { id: 'actions', label: 'Action runs', page: lazy(() => import('../bot/actions.js')) },
  { id: 'logs', label: 'Logs', page: lazy(() => import('../bot/logs.js')) },
  { id: 'issues', label: 'Issues', page: lazy(() => import('../bot/issues.js')) },
  { id: 'integrations', label: 'Integrations', page: lazy(() => import('../bot/integrations.js')) },
  { id: 'files', label: 'Files', page: lazy(() => import('../bot/files.js')) },
  { id: 'tables', label: 'Tables', page: lazy(() => import('../bot/tables.js')) },
  { id: 'analytics', label: 'Analytics', page: lazy(() => import('../bot/analytics.js')) },
  { id: 'keys', label: 'API keys', page: lazy(() => import('../bot/keys.js')) },
]

const Chat = lazy(() => import('../bot/chat.js'))

export default function Bot({ workspaceId, botId, tab, sub }: { workspaceId: string; botId: string; tab: string; sub?: string }) {
  const [name, setName] = useState<string>()
  const [chat, setChat] = useState(false)
  const role = useRole(workspaceId)
  useEffect(() => {
    api({ workspaceId }).getBot({ id: botId }).then((r) => setName(r.bot.name), () => setName(undefined))
  }, [workspaceId, botId])
  const current = tabs.find((t) => t.id === tab) ?? tabs[0]!
  const Page = current.page
  const base = `/w/${workspaceId}/bots/${botId}`
  return (
    <div class={`bot-layout${chat ? ' with-chat' : ''}`}>
      <main id="main" class="page" tabIndex={-1}>
        <nav class="crumbs" aria-label="Breadcrumbs">
          <a href="/">Workspaces</a>
          <span aria-hidden="true">/</span>
          <a href={`/w/${workspaceId}`}>Bots</a>
          <span aria-hidden="true">/</span>
          <span>{name ?? botId}</span>
        </nav>
        <div class="bot-head">
          <h1>
            {name || 'Bot'} <span class="muted mono small">{botId}</span>
          </h1>
          <button type="button" aria-expanded={chat} aria-controls="chat-panel" onClick={() => setChat(!chat)}>
            {chat ? 'Close chat' : 'Chat with the bot'}
          </button>
        </div>
        <nav class="tabs" aria-label="Bot">
          {tabs.map((t) => (
            <a key={t.id} href={`${base}/${t.id}`} aria-current={t.id === current.id ? 'page' : undefined}>
              {t.label}
            </a>
          ))}
        </nav>
        <Page workspaceId={workspaceId} botId={botId} sub={sub} role={role} />
      </main>
      {chat && (
        <aside id="chat-panel" class="chat-panel" aria-label="Chat with the bot">
          <Chat workspaceId={workspaceId} botId={botId} onClose={() => setChat(false)} />
        </aside>
      )}
    </div>
  )
}
