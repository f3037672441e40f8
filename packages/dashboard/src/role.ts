/** The signed-in account's role in a workspace (getWorkspaceMember "me"), to hide what the role forbids. */
import { useEffect, useState } from 'preact/hooks'
import { api } from './api.js'

const ROLES = ['viewer', 'billing', 'developer', 'manager', 'administrator', 'owner']
const cache = new Map<string, Promise<string | undefined>>()

export function useRole(workspaceId: string): string | undefined {
  const [role, setRole] = useState<string | undefined>()
  useEffect(() => {
    let p = cache.get(workspaceId)
    if (!p) {
      p = api({ workspaceId })
        .getWorkspaceMember({})
        .then((m) => m.role as string, () => undefined)
      cache.set(workspaceId, p)
    }
    let live = true
    void p.then((r) => live && setRole(r))
    return () => void (live = false)
  }, [workspaceId])
  return role
}

/** Whether the role may do what needs `needed` (the server decides anyway: this only hides buttons). */
export function can(role: string | undefined, needed: 'develop' | 'manage' | 'administer'): boolean {
  if (!role) return false
  const rank = ROLES.indexOf(role)
  if (needed === 'develop') return rank >= ROLES.indexOf('developer')
  if (needed === 'manage') return rank >= ROLES.indexOf('manager')
  return rank >= ROLES.indexOf('administrator')
}
