import type { PublicApi } from '@bpkit/spec'
import type { RequestOptions } from '../types.js'
import type { TagRecord } from './names.js'
import type { View } from './view.js'

type Ops = PublicApi.Operations
export type In<K extends keyof Ops> = Ops[K]['input']
export type Out<K extends keyof Ops> = Ops[K]['output']
/** `A` with the fields of `B` replaced (B may be a union: each member replaces). */
export type Merge<A, B> = B extends unknown ? Omit<A, keyof B> & B : never
export type Method<I, O> = (input: I, options?: RequestOptions) => Promise<O>
type Str<T> = T & string
type Variant<M> = { [K in keyof M]: { type: Str<K>; payload: M[K] } }[keyof M]

export type TypedUser<V extends View> = Merge<PublicApi.User, { tags: TagRecord<V['userTag']> }>
export type TypedConversation<V extends View> = Merge<
  PublicApi.Conversation,
  { channel: V['channel']['channel']; integration: V['integration']; tags: TagRecord<V['conversationTag']> }
>
export type TypedMessage<V extends View> = Merge<PublicApi.Message, V['message'] & { tags: TagRecord<V['messageTag']> }>
export type TypedEvent<V extends View> = Merge<PublicApi.Event, Variant<V['events']>>
export type TypedState<V extends View, N extends keyof V['states']> = Merge<PublicApi.State, { name: N; type: V['states'][N]['type']; payload: V['states'][N]['payload'] }>

type StateRef<V extends View, N extends keyof V['states']> = { name: N; type: V['states'][N]['type']; id: string }
type MessageInput<V extends View, T extends V['message']['type'], K extends 'createMessage' | 'getOrCreateMessage'> = Omit<In<K>, 'type' | 'payload' | 'tags'> & {
  type: T
  payload: Extract<V['message'], { type: T }>['payload']
  tags: TagRecord<V['messageTag']>
}
type ConversationInput<V extends View, K extends 'createConversation' | 'getOrCreateConversation'> = Merge<In<K>, V['channel'] & { tags: TagRecord<V['conversationTag']> }>
type UserInput<V extends View, K extends 'createUser' | 'getOrCreateUser'> = Merge<In<K>, { tags: TagRecord<V['userTag']> }>

/** The chat operations both typed clients have, narrowed by what the code may see (its `View`). */
export interface ChatOperations<V extends View> {
  createConversation: Method<ConversationInput<V, 'createConversation'>, { conversation: TypedConversation<V> }>
  getConversation: Method<In<'getConversation'>, { conversation: TypedConversation<V> }>
  listConversations: Method<
    Merge<In<'listConversations'>, { tags?: TagRecord<V['conversationTag']>; channel?: V['channel']['channel']; integrationName?: V['channel']['integrationName'] }>,
    Merge<Out<'listConversations'>, { conversations: TypedConversation<V>[] }>
  >
  getOrCreateConversation: Method<
    Merge<ConversationInput<V, 'getOrCreateConversation'>, { discriminateByTags?: V['conversationTag'][] }>,
    { conversation: TypedConversation<V> }
  >
  updateConversation: Method<Merge<In<'updateConversation'>, { tags?: TagRecord<V['conversationTag']> }>, { conversation: TypedConversation<V> }>
  deleteConversation: Method<In<'deleteConversation'>, Out<'deleteConversation'>>

  listParticipants: Method<In<'listParticipants'>, Merge<Out<'listParticipants'>, { participants: TypedUser<V>[] }>>
  addParticipant: Method<In<'addParticipant'>, { participant: TypedUser<V> }>
  getParticipant: Method<In<'getParticipant'>, { participant: TypedUser<V> }>
  removeParticipant: Method<In<'removeParticipant'>, Out<'removeParticipant'>>

  createEvent<T extends Str<keyof V['ownEvents']>>(
    input: Merge<In<'createEvent'>, { type: T; payload: V['ownEvents'][T] }>,
    options?: RequestOptions,
  ): Promise<{ event: Extract<TypedEvent<V>, { type: T }> }>
  getEvent: Method<In<'getEvent'>, { event: TypedEvent<V> }>
  listEvents<T extends Str<keyof V['events']> = Str<keyof V['events']>>(
    input?: Merge<In<'listEvents'>, { type?: T }>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'listEvents'>, { events: Extract<TypedEvent<V>, { type: T }>[] }>>

  createMessage<T extends V['message']['type']>(input: MessageInput<V, T, 'createMessage'>, options?: RequestOptions): Promise<{ message: Extract<TypedMessage<V>, { type: T }> }>
  getOrCreateMessage<T extends V['message']['type']>(
    input: MessageInput<V, T, 'getOrCreateMessage'> & { discriminateByTags?: V['messageTag'][] },
    options?: RequestOptions,
  ): Promise<{ message: Extract<TypedMessage<V>, { type: T }> }>
  getMessage: Method<In<'getMessage'>, { message: TypedMessage<V> }>
  updateMessage: Method<Merge<In<'updateMessage'>, { tags: TagRecord<V['messageTag']>; payload?: V['message']['payload'] }>, { message: TypedMessage<V> }>
  listMessages: Method<Merge<In<'listMessages'>, { tags?: TagRecord<V['messageTag']> }>, Merge<Out<'listMessages'>, { messages: TypedMessage<V>[] }>>
  deleteMessage: Method<In<'deleteMessage'>, Out<'deleteMessage'>>

  createUser: Method<UserInput<V, 'createUser'>, { user: TypedUser<V> }>
  getUser: Method<In<'getUser'>, { user: TypedUser<V> }>
  listUsers: Method<Merge<In<'listUsers'>, { tags?: TagRecord<V['userTag']> }>, Merge<Out<'listUsers'>, { users: TypedUser<V>[] }>>
  getOrCreateUser: Method<Merge<UserInput<V, 'getOrCreateUser'>, { discriminateByTags?: V['userTag'][] }>, { user: TypedUser<V> }>
  updateUser: Method<Merge<In<'updateUser'>, { tags?: TagRecord<V['userTag']> }>, { user: TypedUser<V> }>
  deleteUser: Method<In<'deleteUser'>, Out<'deleteUser'>>

  getState<N extends Str<keyof V['states']>>(input: StateRef<V, N>, options?: RequestOptions): Promise<Merge<Out<'getState'>, { state: TypedState<V, N> }>>
  setState<N extends Str<keyof V['states']>>(
    input: StateRef<V, N> & { payload: V['states'][N]['payload'] | null; expiry?: number | null },
    options?: RequestOptions,
  ): Promise<{ state: TypedState<V, N> }>
  getOrSetState<N extends Str<keyof V['states']>>(
    input: StateRef<V, N> & { payload: V['states'][N]['payload']; expiry?: number | null },
    options?: RequestOptions,
  ): Promise<Merge<Out<'getOrSetState'>, { state: TypedState<V, N> }>>
  patchState<N extends Str<keyof V['states']>>(input: StateRef<V, N> & { payload: Partial<V['states'][N]['payload']> }, options?: RequestOptions): Promise<{ state: TypedState<V, N> }>

  trackAnalytics: Method<In<'trackAnalytics'>, Out<'trackAnalytics'>>
}
