import { billingOperations, type BillingOperationName, type PublicOperationName } from '@bpkit/spec'
import { ApiError } from '../errors.js'
import type { BillingHandlers, PublicHandlers, Section } from '../handlers.js'

/** Operations of the public API that are about paying Botpress, which a self-hosted server never asks for. */
const publicBillingOperations = ['listWorkspaceInvoices', 'getUpcomingInvoice', 'chargeWorkspaceUnpaidInvoices', 'changeAISpendQuota'] as const

const billingUnavailable = (operation: string) => async (): Promise<never> => {
  throw new ApiError(
    'MethodNotFound',
    `"${operation}" is a billing operation: a self-hosted bpkit server has no plans, invoices, payment methods or spend quotas`,
  )
}

function unavailableHandlers<Name extends string>(names: readonly Name[]): Record<Name, () => Promise<never>> {
  return Object.fromEntries(names.map((name) => [name, billingUnavailable(name)])) as Record<Name, () => Promise<never>>
}

/** Billing answers one clear error per operation: there is nothing to bill on your own machine. */
export const billingSection: Section = {
  name: 'billing',
  handlers: unavailableHandlers<PublicOperationName>(publicBillingOperations) as PublicHandlers,
  billingHandlers: unavailableHandlers(Object.keys(billingOperations) as BillingOperationName[]) as BillingHandlers,
}
