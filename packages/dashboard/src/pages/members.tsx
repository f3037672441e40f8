import { useState } from 'preact/hooks'
import { api, invite } from '../api.js'
import { can, useRole } from '../role.js'
import { Empty, ErrorNote, Field, Grid, More, Section, ShownOnce, useAction, usePaged, valueOf } from '../ui.js'
import { WorkspaceNav } from './workspace-nav.js'

const ROLES = ['viewer', 'billing', 'developer', 'manager', 'administrator', 'owner']

/** As the server's role table (packages/server/src/members/roles.ts) grants them. */
const ROLE_TABLE: [string, string][] = [
  ['viewer', 'read the workspace and its bots: conversations, messages, events, logs, files, tables'],
  ['billing', 'what a viewer may, and the workspace\'s billing'],
  ['developer', 'what a viewer may, and build: bots and their data, files, tables, integrations, API keys'],
  ['manager', 'what a developer may, and delete or transfer bots and integrations; add, change and remove members'],
  ['administrator', 'what a manager may, billing, the workspace\'s settings and audit records; invitation links'],
  ['owner', 'everything, deleting the workspace included'],
]

export default function Members({ workspaceId }: { workspaceId: string }) {
  const client = api({ workspaceId })
  const role = useRole(workspaceId)
  const admin = can(role, 'administer')
  // Changing and removing members is the manager's (the server's role table); invitation links need an administrator.
  const manage = can(role, 'manage')
  const list = usePaged(async (nextToken) => {
    const r = await client.listWorkspaceMembers({ nextToken })
    return { items: r.members, nextToken: r.meta.nextToken }
  }, [workspaceId])
  const [email, setEmail] = useState('')
  const [newRole, setNewRole] = useState('developer')
  const [link, setLink] = useState<string>()
  const action = useAction()
  return (
    <main id="main" class="page" tabIndex={-1}>
      <WorkspaceNav workspaceId={workspaceId} current="members" />
      <h1>Members and roles</h1>
      <p class="muted">
        Your role here: <strong data-testid="my-role">{role ?? '…'}</strong>
      </p>
      <Section title="Invite a member">
        {admin ? (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault()
              setLink(undefined)
              void action.run(async () => {
                const r = await invite({ email, workspaceId, role: newRole })
                setLink(r.url)
                setEmail('')
                list.reload()
              })
            }}
          >
            <Field label="E-mail">
              <input type="email" required value={email} onInput={(e) => setEmail(valueOf(e))} />
            </Field>
            <Field label="Role">
              <select value={newRole} onChange={(e) => setNewRole(valueOf(e))}>
                {ROLES.filter((r) => r !== 'owner').map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </Field>
            <button type="submit" disabled={action.busy}>
              Invite
            </button>
          </form>
        ) : (
          <p class="muted" data-testid="invite-forbidden">
            Only an owner or an administrator of the workspace invites members.
          </p>
        )}
        {link && <ShownOnce value={link} what="Invitation link" />}
        <ErrorNote error={action.error} />
      </Section>
      <Section title="Members">
        <ErrorNote error={list.error} />
        <Grid label="Members" head={['E-mail', 'Name', 'Role', '']}>
          {list.items.map((m) => (
            <tr key={m.id}>
              <td>{m.email}</td>
              <td>{m.displayName ?? ''}</td>
              <td>
                {manage && m.role !== 'owner' ? (
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(e) => {
                      const r = valueOf(e)
                      void action.run(async () => {
                        await client.updateWorkspaceMember({ id: m.id, role: r as never })
                        list.reload()
                      })
                    }}
                  >
                    {ROLES.filter((r) => r !== 'owner').map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                ) : (
                  m.role
                )}
              </td>
              <td>
                {manage && m.role !== 'owner' && (
                  <button
                    type="button"
                    class="danger"
                    onClick={() => {
                      if (!confirm(`Remove ${m.email} from the workspace?`)) return
                      void action.run(async () => {
                        await client.deleteWorkspaceMember({ id: m.id })
                        list.reload()
                      })
                    }}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Grid>
        <Empty when={!list.loading && !list.items.length}>No member.</Empty>
        <More list={list} />
      </Section>
      <Section title="What each role may do">
        <Grid label="Roles" head={['Role', 'May']}>
          {ROLE_TABLE.map(([r, what]) => (
            <tr key={r}>
              <td>
                <strong>{r}</strong>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </Grid>
      </Section>
    </main>
  )
}
