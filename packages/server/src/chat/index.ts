import type { Section } from '../handlers.js'
import { conversationHandlers } from './conversations.js'
import { eventHandlers, promoteDueEvents } from './events.js'
import { messageHandlers } from './messages.js'
import { miscHandlers } from './misc.js'
import { participantHandlers } from './participants.js'
import { stateHandlers } from './states.js'
import { taskHandlers } from './tasks.js'
import { userHandlers } from './users.js'
import { workflowHandlers } from './workflows.js'
import { withIntegrationTagViews } from '../runtime/tag-views.js'

/** The chat runtime: users, conversations, participants, messages, events, states, workflows, tasks, tags, analytics. */
export const chatSection: Section = {
  name: 'chat',
  handlers: withIntegrationTagViews({
    ...userHandlers,
    ...conversationHandlers,
    ...participantHandlers,
    ...messageHandlers,
    ...eventHandlers,
    ...stateHandlers,
    ...workflowHandlers,
    ...taskHandlers,
    ...miscHandlers,
  }),
  async sweep({ store, clock }) {
    const now = clock.now().toISOString()
    await promoteDueEvents(store.db, now)
  },
}
