import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { Empty, ErrorNote, Field, Grid, Section, ShownOnce, Time, useAction, usePaged, valueOf } from '../ui.js'

/** Personal access tokens of the signed-in account: create (the value is shown once), revoke. */
export default function Keys() {
  const client = api()
  const list = usePaged(async () => {
    const r = await client.listPersonalAccessTokens({})
    return { items: r.pats }
  }, [])
  const [note, setNote] = useState('')
  const [secret, setSecret] = useState<string>()
  const action = useAction()
  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>API keys</h1>
      <Section title="Create a personal access token">
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault()
            void action.run(async () => {
              const r = await client.createPersonalAccessToken({ note: note || 'dashboard' })
              setSecret(r.pat.value)
              setNote('')
              list.reload()
            })
          }}
        >
          <Field label="Note">
            <input value={note} onInput={(e) => setNote(valueOf(e))} placeholder="what it is for" />
          </Field>
          <button type="submit" disabled={action.busy}>
            Create token
          </button>
        </form>
        {secret && <ShownOnce value={secret} what="Your new token" />}
        <ErrorNote error={action.error} />
      </Section>
      <Section title="Your tokens">
        <ErrorNote error={list.error} />
        <Grid label="Personal access tokens" head={['Note', 'Id', 'Created', '']}>
          {list.items.map((t) => (
            <tr key={t.id}>
              <td>{t.note}</td>
              <td class="mono small">{t.id}</td>
              <td>
                <Time value={t.createdAt} />
              </td>
              <td>
                <button
                  type="button"
                  class="danger"
                  onClick={() => {
                    if (!confirm('Revoke this token? Clients using it stop working.')) return
                    void action.run(async () => {
                      await client.deletePersonalAccessToken({ id: t.id })
                      list.reload()
                    })
                  }}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </Grid>
        <Empty when={!list.loading && !list.items.length}>No token.</Empty>
      </Section>
    </main>
  )
}
