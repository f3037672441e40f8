import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { useLive } from '../live.js'
import { can, useRole } from '../role.js'
import { Empty, ErrorNote, Field, Grid, More, Section, Time, useAction, usePaged, valueOf } from '../ui.js'
import { WorkspaceNav } from './workspace-nav.js'

export default function Bots({ workspaceId }: { workspaceId: string }) {
  const client = api({ workspaceId })
  const role = useRole(workspaceId)
  const list = usePaged(async (nextToken) => {
    const r = await client.listBots({ nextToken })
    return { items: r.bots, nextToken: r.meta.nextToken }
  }, [workspaceId])
  useLive({ workspaceId }, { bot: () => list.reload() })
  const [name, setName] = useState('')
  const create = useAction()
  return (
    <main id="main" class="page" tabIndex={-1}>
      <WorkspaceNav workspaceId={workspaceId} current="bots" />
      <h1>Bots</h1>
      <Section
        title="Bots of this workspace"
        actions={
          can(role, 'develop') && (
            <form
              class="inline"
              onSubmit={(e) => {
                e.preventDefault()
                void create.run(async () => {
                  await client.createBot({ name: name || undefined } as never)
                  setName('')
                  list.reload()
                })
              }}
            >
              <Field label="New bot">
                <input value={name} onInput={(e) => setName(valueOf(e))} placeholder="name" />
              </Field>
              <button type="submit" disabled={create.busy}>
                Create bot
              </button>
            </form>
          )
        }
      >
        <ErrorNote error={list.error ?? create.error} />
        <Grid label="Bots" head={['Name', 'Id', 'Dev', 'Updated']}>
          {list.items.map((b) => (
            <tr key={b.id}>
              <td>
                <a href={`/w/${workspaceId}/bots/${b.id}`}>{b.name || '(unnamed)'}</a>
              </td>
              <td class="mono small">{b.id}</td>
              <td>{(b as { dev?: boolean }).dev ? 'dev' : ''}</td>
              <td>
                <Time value={b.updatedAt} />
              </td>
            </tr>
          ))}
        </Grid>
        <Empty when={!list.loading && !list.items.length}>No bot yet.</Empty>
        <More list={list} />
      </Section>
    </main>
  )
}
