import type { Generated } from 'kysely'
import type { CoreTables } from '../store/migrations/001_core.js'

/**
 * Columns the admin section adds to the core `bots` table (migration 005_admin) so that `listBots` can filter
 * on them in SQL; the rest of the bot definition stays in `bots.data`. `workspaces.isPublic` (migration
 * 007_members) lets the public workspace directory filter in SQL.
 */
export interface AdminTables {
  workspaces: CoreTables['workspaces'] & {
    /** 1 when the workspace's profile is public (`isPublic`, also kept in `data`), else 0. */
    isPublic: Generated<number>
  }
  bots: CoreTables['bots'] & {
    /** JSON object of the bot's tags, the same value as the definition's `tags`. */
    tags: Generated<string>
    /** 1 for a development bot, else 0. */
    dev: Generated<number>
  }
}
