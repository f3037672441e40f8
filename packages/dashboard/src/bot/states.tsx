import { useState } from 'preact/hooks'
import { api } from '../api.js'
import type { BotPageProps } from '../pages/bot.js'
import { ErrorNote, Field, Pre, Section, Time, useAction, valueOf } from '../ui.js'

/** The API reads a state by type, id and name (there is no listing of states): look one up. */
export default function States({ workspaceId, botId }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const [type, setType] = useState('bot')
  const [id, setId] = useState(botId)
  const [name, setName] = useState('')
  const [state, setState] = useState<{ payload: unknown; updatedAt: string; expiresAt?: string } | null>(null)
  const action = useAction()
  return (
    <Section title="States">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault()
          setState(null)
          void action.run(async () => {
            const r = await client.getState({ type: type as never, id, name })
            setState(r.state as never)
          })
        }}
      >
        <Field label="Type">
          <select value={type} onChange={(e) => setType(valueOf(e))}>
            {['bot', 'conversation', 'user', 'task', 'workflow', 'integration'].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Id">
          <input value={id} onInput={(e) => setId(valueOf(e))} required />
        </Field>
        <Field label="Name">
          <input value={name} onInput={(e) => setName(valueOf(e))} required placeholder="as in the bot definition" />
        </Field>
        <button type="submit">Read state</button>
      </form>
      <ErrorNote error={action.error} />
      {state && (
        <div>
          <p class="muted small">
            Updated <Time value={state.updatedAt} />
            {state.expiresAt ? (
              <>
                {' '}
                · expires <Time value={state.expiresAt} />
              </>
            ) : null}
          </p>
          <Pre value={state.payload} />
        </div>
      )}
    </Section>
  )
}
