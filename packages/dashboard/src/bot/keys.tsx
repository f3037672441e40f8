import { useState } from 'preact/hooks'
import { api } from '../api.js'
import type { BotPageProps } from '../pages/bot.js'
import { can } from '../role.js'
import { Empty, ErrorNote, Field, Grid, Section, ShownOnce, Time, useAction, usePaged, valueOf } from '../ui.js'

/** The bot's API keys (what a bot process uses as BP_TOKEN): create (shown once), revoke. */
export default function BotKeys({ workspaceId, botId, role }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const list = usePaged(async () => {
    const r = await client.listBotApiKeys({ botId })
    return { items: r.baks }
  }, [botId])
  const [note, setNote] = useState('')
  const [secret, setSecret] = useState<string>()
  const action = useAction()
  const may = can(role, 'develop')
  return (
    <Section title="Bot API keys">
      {may && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault()
            void action.run(async () => {
              const r = await client.createBotApiKey({ botId, note: note || 'dashboard' })
              setSecret((r as { value: string }).value)
              setNote('')
              list.reload()
            })
          }}
        >
          <Field label="Note">
            <input value={note} onInput={(e) => setNote(valueOf(e))} />
          </Field>
          <button type="submit" disabled={action.busy}>
            Create key
          </button>
        </form>
      )}
      {secret && <ShownOnce value={secret} what="The bot's new key" />}
      <ErrorNote error={action.error ?? list.error} />
      <Grid label="Bot API keys" head={['Note', 'Id', 'Created', '']}>
        {list.items.map((k) => (
          <tr key={k.id}>
            <td>{k.note}</td>
            <td class="mono small">{k.id}</td>
            <td>
              <Time value={k.createdAt} />
            </td>
            <td>
              {may && (
                <button
                  type="button"
                  class="danger"
                  onClick={() => {
                    if (!confirm('Revoke this key?')) return
                    void action.run(async () => {
                      await client.deleteBotApiKey({ id: k.id })
                      list.reload()
                    })
                  }}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>No key.</Empty>
    </Section>
  )
}
