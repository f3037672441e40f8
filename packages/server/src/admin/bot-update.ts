import type { PublicApi } from '@bpkit/spec'
import type { RequestContext } from '../context.js'
import { applyInstalls } from './bot-installs.js'
import { readData, updatedBotColumns, type BotRow } from './bot-model.js'

/**
 * Applies an `updateBot` input to a stored bot: the installs are checked first (they read other tables),
 * then the row is written once. Shared by `updateBot`, `publishFromBotJson` and `deployBotVersion`.
 */
export async function updateBotRow(ctx: RequestContext, row: BotRow, input: PublicApi.UpdateBotInput): Promise<void> {
  const now = ctx.now()
  const data = readData(row)
  const installs = await applyInstalls(ctx, row, { integrations: data.integrations ?? {}, plugins: data.plugins ?? {} }, input, now)
  await ctx.db.updateTable('bots').set(updatedBotColumns(row, input, now, installs)).where('id', '=', row.id).execute()
}
