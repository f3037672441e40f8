import type { Section } from './handlers.js'
import { chatSection } from './chat/index.js'
import { tablesSection } from './tables/index.js'
import { adminSection } from './admin/index.js'
import { billingSection } from './billing/index.js'
import { filesSection } from './files/index.js'
import { integrationsSection } from './integrations/index.js'
import { botsSection } from './bots/index.js'
import { usageSection } from './usage/index.js'
import { membersSection } from './members/index.js'
import { runtimeSection } from './runtime/index.js'
import { webSection } from './web/index.js'

/** Every section the server answers with. An operation no section handles answers MethodNotFound. */
export const sections: Section[] = [chatSection, tablesSection, adminSection, integrationsSection, billingSection, filesSection, membersSection, botsSection, usageSection, runtimeSection, webSection]
