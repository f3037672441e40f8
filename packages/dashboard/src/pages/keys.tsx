import { api } from '../api.js'
import { KeyRows, NewKeyForm } from '../key-list.js'
import { Empty, ErrorNote, Grid, Section, useAction, usePaged } from '../ui.js'

/** Personal access tokens of the signed-in account: create (the value is shown once), revoke. */
export default function Keys() {
  const client = api()
  const list = usePaged(async () => {
    const r = await client.listPersonalAccessTokens({})
    return { items: r.pats }
  }, [])
  const action = useAction()
  const create = async (note: string) => {
    const r = await client.createPersonalAccessToken({ note })
    list.reload()
    return r.pat.value
  }
  const revoke = async (id: string) => {
    await client.deletePersonalAccessToken({ id })
    list.reload()
  }
  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>API keys</h1>
      <Section title="Create a personal access token">
        <NewKeyForm action={action} create={create} button="Create token" shownAs="Your new token" placeholder="what it is for" />
        <ErrorNote error={action.error} />
      </Section>
      <Section title="Your tokens">
        <ErrorNote error={list.error} />
        <Grid label="Personal access tokens" head={['Note', 'Id', 'Created', '']}>
          <KeyRows keys={list.items} action={action} revoke={revoke} confirmText="Revoke this token? Clients using it stop working." />
        </Grid>
        <Empty when={!list.loading && !list.items.length}>No token.</Empty>
      </Section>
    </main>
  )
}
