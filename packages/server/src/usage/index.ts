import type { Handler, PublicHandlers, Section } from '../handlers.js'
import type { RequestContext } from '../context.js'
import { countApiCall, flushApiCalls } from './api-calls.js'
import { usageHandlers } from './handlers.js'
import { checkQuotas, enforceQuotas } from './quotas.js'

/** Usage reads the API-call counters: each handler first writes the calls still buffered. */
function afterFlushingCalls(handlers: PublicHandlers): PublicHandlers {
  return Object.fromEntries(
    Object.entries(handlers).map(([operation, handle]) => [
      operation,
      async (input: unknown, ctx: RequestContext) => {
        await flushApiCalls(ctx.services)
        return (handle as Handler<unknown, unknown>)(input, ctx)
      },
    ]),
  )
}

/** Usage computed from what the server stores and answers, and the configured quotas it enforces. */
export const usageSection: Section = {
  name: 'usage',
  handlers: afterFlushingCalls(usageHandlers),
  routes: (app, services) => enforceQuotas(app, checkQuotas(services.config.quotas)),
  afterOperation: countApiCall,
  close: flushApiCalls,
}
