import type { BotShape, IntegrationShape } from './shapes.js'
import type * as N from './names.js'

/** The names a piece of code may use on the chat API and what they carry; the typed operations read only this. */
export type View = {
  states: Record<string, { type: string; payload: object }>
  /** Events it may create. */
  ownEvents: Record<string, object>
  /** Events it may read. */
  events: Record<string, object>
  /** The union of `{ type, payload }` of its message types. */
  message: { type: string; payload: object }
  /** The union of where it may open a conversation. */
  channel: { channel: string; integrationName?: string }
  /** What a conversation's `integration` holds. */
  integration: string
  userTag: string
  conversationTag: string
  messageTag: string
}

export type BotView<B extends BotShape> = {
  states: N.BotStates<B>
  ownEvents: N.BotOwnEvents<B>
  events: N.BotEvents<B>
  message: N.Cast<N.BotMessage<B>, View['message']>
  channel: N.Cast<N.BotChannel<B>, View['channel']>
  integration: N.Cast<N.BotChannel<B>, View['channel']>['integrationName'] & string
  userTag: N.Cast<N.BotTag<B, 'user'>, string>
  conversationTag: N.Cast<N.BotTag<B, 'conversation'>, string>
  messageTag: N.Cast<N.BotTag<B, 'message'>, string>
}

export type IntegrationView<I extends IntegrationShape> = {
  states: N.IntegrationStates<I>
  ownEvents: N.IntegrationEvents<I>
  events: N.IntegrationEvents<I>
  message: N.Cast<N.IntegrationMessage<I>, View['message']>
  channel: { channel: N.IntegrationChannel<I> }
  integration: string
  userTag: N.Cast<N.IntegrationTag<I, 'user'>, string>
  conversationTag: N.Cast<N.IntegrationTag<I, 'conversation'>, string>
  messageTag: N.Cast<N.IntegrationTag<I, 'message'>, string>
}
