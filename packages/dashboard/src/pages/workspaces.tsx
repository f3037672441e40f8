import { api } from '../api.js'
import { Empty, ErrorNote, Grid, More, Section, Time, usePaged } from '../ui.js'

export default function Workspaces() {
  const list = usePaged(async (nextToken) => {
    const r = await api().listWorkspaces({ nextToken })
    return { items: r.workspaces, nextToken: r.meta.nextToken }
  }, [])
  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Workspaces</h1>
      <Section title="Your workspaces">
        <ErrorNote error={list.error} />
        <Grid label="Workspaces" head={['Name', 'Plan', 'Created', '']}>
          {list.items.map((w) => (
            <tr key={w.id}>
              <td>
                <a href={`/w/${w.id}`}>{w.name}</a>
                <div class="muted mono small">{w.id}</div>
              </td>
              <td>{w.plan}</td>
              <td>
                <Time value={w.createdAt} />
              </td>
              <td>
                <a href={`/w/${w.id}/members`}>Members</a>
              </td>
            </tr>
          ))}
        </Grid>
        <Empty when={!list.loading && !list.items.length}>No workspace.</Empty>
        <More list={list} />
      </Section>
    </main>
  )
}
