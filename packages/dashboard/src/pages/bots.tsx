import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { useLive } from '../live.js'
import { can, useRole } from '../role.js'
import { Empty, ErrorNote, Field, Grid, More, Section, Time, useAction, usePaged, valueOf } from '../ui.js'
import { WorkspaceNav } from './workspace-nav.js'

export default function Bots({ workspaceId }: { workspaceId: string }) {
  const client = api({ workspaceId })
  const role = useRole(workspaceId)
  // The API lists production bots, or with `dev: true` only dev bots: both are shown.
  const prod = usePaged(async (nextToken) => {
    const r = await client.listBots({ nextToken })
    return { items: r.bots, nextToken: r.meta.nextToken }
  }, [workspaceId])
  const dev = usePaged(async (nextToken) => {
    const r = await client.listBots({ nextToken, dev: true })
    return { items: r.bots, nextToken: r.meta.nextToken }
  }, [workspaceId])
  useLive({ workspaceId }, { bot: () => (prod.reload(), dev.reload()) })
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
                  prod.reload()
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
        <ErrorNote error={create.error} />
        <BotList workspaceId={workspaceId} list={prod} label="Bots" />
      </Section>
      <Section title="Dev bots">
        <BotList workspaceId={workspaceId} list={dev} label="Dev bots" />
      </Section>
    </main>
  )
}

type BotRow = { id: string; name: string; updatedAt: string }

function BotList({ workspaceId, list, label }: { workspaceId: string; label: string; list: { items: BotRow[]; error?: string; loading: boolean; nextToken?: string; more: () => void } }) {
  return (
    <>
      <ErrorNote error={list.error} />
      <Grid label={label} head={['Name', 'Id', 'Updated']}>
        {list.items.map((b) => (
          <tr key={b.id}>
            <td>
              <a href={`/w/${workspaceId}/bots/${b.id}`}>{b.name || '(unnamed)'}</a>
            </td>
            <td class="mono small">{b.id}</td>
            <td>
              <Time value={b.updatedAt} />
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>None.</Empty>
      <More list={list} />
    </>
  )
}
