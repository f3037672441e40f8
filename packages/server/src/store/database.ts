import type { TablesTables } from '../tables/tables.js'
import type { CoreTables } from './migrations/001_core.js'
import type { ChatTables } from '../chat/tables.js'
import type { FilesTables } from '../files/tables.js'
import type { AdminTables } from '../admin/tables.js'
import type { IntegrationsTables } from '../integrations/tables.js'
import type { MembersTables } from '../members/tables.js'
import type { BotsTables } from '../bots/tables.js'
import type { UsageTables } from '../usage/tables.js'
import type { RuntimeTables } from '../runtime/tables.js'
import type { WebTables } from '../web/tables.js'

/**
 * Every table of the store, as Kysely sees it. Each section declares its own tables next to its code
 * and its migration; this interface only gathers them.
 */
// AdminTables widens the core `bots` row with its filter columns, hence the Omit.
export interface Database extends Omit<CoreTables, keyof AdminTables>, ChatTables, AdminTables, IntegrationsTables, FilesTables, TablesTables, BotsTables, UsageTables, MembersTables, RuntimeTables, WebTables {}
