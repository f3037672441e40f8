export function WorkspaceNav({ workspaceId, current }: { workspaceId: string; current: 'bots' | 'members' }) {
  return (
    <nav class="crumbs" aria-label="Workspace">
      <a href="/">Workspaces</a>
      <span aria-hidden="true">/</span>
      <a href={`/w/${workspaceId}`} aria-current={current === 'bots' ? 'page' : undefined}>
        Bots
      </a>
      <a href={`/w/${workspaceId}/members`} aria-current={current === 'members' ? 'page' : undefined}>
        Members and roles
      </a>
    </nav>
  )
}
