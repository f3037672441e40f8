import { useEffect, useState } from 'preact/hooks'
import { api, describeError } from '../api.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Pre, Section, Status } from '../ui.js'

type Installed = { id: string; name: string; version: string; enabled: boolean; status: string; statusReason?: string | null; webhookUrl: string; configuration: unknown; configurationType?: string | null }

export default function Integrations({ workspaceId, botId }: BotPageProps) {
  const [installed, setInstalled] = useState<[string, Installed][]>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    api({ workspaceId, botId })
      .getBot({ id: botId })
      .then((r) => setInstalled(Object.entries(r.bot.integrations ?? {}) as never), (e) => setError(describeError(e)))
  }, [botId])
  return (
    <Section title="Installed integrations">
      <ErrorNote error={error} />
      {installed?.map(([alias, i]) => (
        <article class="integration" key={alias}>
          <h3>
            {alias} <span class="muted small">{i.name}@{i.version}</span>
          </h3>
          <dl class="facts">
            <dt>Registration</dt>
            <dd>
              <Status value={i.status} /> {i.statusReason && <span class="error small">{i.statusReason}</span>}
            </dd>
            <dt>Enabled</dt>
            <dd>{i.enabled ? 'yes' : 'no'}</dd>
            <dt>Webhook URL</dt>
            <dd>
              <code class="wrap">{i.webhookUrl}</code>
            </dd>
            <dt>Integration id</dt>
            <dd class="mono small">{i.id}</dd>
          </dl>
          <details>
            <summary>Configuration{i.configurationType ? ` (${i.configurationType})` : ''}</summary>
            <Pre value={i.configuration} />
          </details>
        </article>
      ))}
      <Empty when={!!installed && !installed.length}>No integration installed. "Chat with the bot" installs bpkit's own chat channel.</Empty>
    </Section>
  )
}
