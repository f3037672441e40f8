import type { Section } from '../handlers.js'
import { activityHandlers, recordTaskActivity } from './activities.js'
import { auditHandlers, recordChange } from './audit.js'
import { introspectHandlers } from './introspect.js'
import { memberHandlers } from './members.js'
import { preferenceHandlers } from './preferences.js'
import { publicWorkspaceHandlers } from './public-workspaces.js'

/**
 * Workspace members and roles (the role table itself is enforced by the request context), preferences,
 * the public workspace directory, the audit trail, task activities and introspection.
 */
export const membersSection: Section = {
  name: 'members',
  handlers: { ...memberHandlers, ...preferenceHandlers, ...publicWorkspaceHandlers, ...auditHandlers, ...activityHandlers, ...introspectHandlers },
  async beforeReply(ctx) {
    await recordChange(ctx)
    await recordTaskActivity(ctx)
  },
}
