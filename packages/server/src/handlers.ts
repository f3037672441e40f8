import type { BillingApi, BillingOperationName, PublicApi, PublicOperationName } from '@bpkit/spec'
import type { FastifyInstance } from 'fastify'
import type { RequestContext, Services } from './context.js'

/** Takes the operation's merged input (path, query, header and body fields) and returns its output. */
export type Handler<I, O> = (input: I, ctx: RequestContext) => Promise<O>

export type PublicHandlers = {
  [K in PublicOperationName]?: Handler<PublicApi.Operations[K]['input'], PublicApi.Operations[K]['output']>
}

export type BillingHandlers = {
  [K in BillingOperationName]?: Handler<BillingApi.Operations[K]['input'], BillingApi.Operations[K]['output']>
}

export type OperationEvent = { operation: string; status: number; ctx: RequestContext }

/** A value, or a promise of it: what runs after every request returns plain values when it needs no lookup. */
export type MaybePromise<T> = T | Promise<T>

/**
 * A section of the server (chat, files, tables, admin, ...): its operation handlers, and optionally routes
 * that are not API operations (such as the upload URL a file's bytes are PUT to).
 */
export type Section = {
  name: string
  handlers?: PublicHandlers
  billingHandlers?: BillingHandlers
  routes?: (app: FastifyInstance, services: Services) => void | Promise<void>
  /**
   * Called after every API operation has been answered (successfully or not), e.g. to meter usage.
   * Runs off the request's path: its failures are logged, never sent to the caller.
   */
  afterOperation?: (event: OperationEvent) => void | Promise<void>
  /**
   * Called after an operation's handler succeeded, before its response is sent, so that a client that reads
   * right after sees what this wrote (e.g. the audit trail). Its failures are logged, never sent.
   */
  beforeReply?: (ctx: RequestContext) => Promise<void>
  /** Removes what this section keeps outside the store's cascades for bots that were just deleted. */
  onBotsDeleted?: (services: Services, botIds: string[]) => Promise<void>
  /** Called once the server listens (e.g. to start background work such as the runtime's dispatcher). */
  start?: (services: Services) => void
  /** Called when the server closes, before the store does (e.g. to flush buffered writes). */
  close?: (services: Services) => Promise<void>
  /** Periodic housekeeping (expiry sweeps and the like), run by the server on an interval. */
  sweep?: (services: Services) => Promise<void>
}
