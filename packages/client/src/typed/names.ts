import type { ActionShape, BotShape, IntegrationShape } from './shapes.js'

/**
 * What a bot or an integration sees of its description: the names it may use and the types they carry.
 * A bot sees an installed integration's events, actions and tags under `<alias>:<name>`, as on Botpress.
 */

/** A field of a shape, `{}` (no names) when the shape leaves it out. */
export type Field<T, K extends PropertyKey> = K extends keyof T ? Exclude<T[K], undefined> : {}
/** `T`, known to the compiler to fit `C` (generic code cannot prove what a mapped type holds). */
export type Cast<T, C> = T extends C ? T : C
type Str<T> = T & string
type Values<T> = T[keyof T]
type Prefixed<A extends string, M> = { [K in keyof M as `${A}:${Str<K>}`]: M[K] }
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never
/** Every installed integration's map `F`, its keys prefixed by the alias, merged into one map. */
type FromIntegrations<B, F extends keyof IntegrationShape> = UnionToIntersection<
  Values<{ [A in keyof Field<B, 'integrations'>]: Prefixed<Str<A>, Field<Field<B, 'integrations'>[A], F>> }>
>
type Merged<M> = [M] extends [never] ? {} : { [K in keyof M]: M[K] }

/** Tags as sent and received: known names only, each optional. */
export type TagRecord<N extends string> = { [K in N]?: string }
type TagName<T, K extends string> = Field<T, 'tags'> extends infer G ? (K extends keyof G ? Str<G[K]> : never) : never

// Messages and conversation tags come with channels.
type ChannelsOf<I> = Field<I, 'channels'>
type MessageVariants<I> = Values<{ [C in keyof ChannelsOf<I>]: Values<{ [M in keyof Field<ChannelsOf<I>[C], 'messages'>]: { type: Str<M>; payload: Field<ChannelsOf<I>[C], 'messages'>[M] } }> }>
type ChannelTag<I, K extends 'conversation' | 'message'> = Values<{ [C in keyof ChannelsOf<I>]: TagName<ChannelsOf<I>[C], K> }>
type InstalledTag<B, K extends 'user' | 'conversation' | 'message'> = Values<{
  [A in keyof Field<B, 'integrations'>]: `${Str<A>}:${K extends 'user' ? TagName<Field<B, 'integrations'>[A], 'user'> : ChannelTag<Field<B, 'integrations'>[A], Exclude<K, 'user'>>}`
}>

// --- a bot's view
type Payloads = Record<string, object>
type States = Record<string, { type: string; payload: object }>
type Actions = Record<string, ActionShape>
export type BotStates<B extends BotShape> = Cast<Field<B, 'states'>, States>
export type BotOwnEvents<B extends BotShape> = Cast<Field<B, 'events'>, Payloads>
export type BotEvents<B extends BotShape> = Cast<Merged<BotOwnEvents<B> & FromIntegrations<B, 'events'>>, Payloads>
export type BotActions<B extends BotShape> = Cast<Merged<Field<B, 'actions'> & FromIntegrations<B, 'actions'>>, Actions>
export type BotTables<B extends BotShape> = Cast<Field<B, 'tables'>, Payloads>
export type BotWorkflows<B extends BotShape> = Cast<Field<B, 'workflows'>, Actions>
export type BotMessage<B extends BotShape> = Values<{ [A in keyof Field<B, 'integrations'>]: MessageVariants<Field<B, 'integrations'>[A]> }>
export type BotTag<B extends BotShape, K extends 'user' | 'conversation' | 'message'> = TagName<B, K> | InstalledTag<B, K>
/** Where a bot's conversation lives: an installed integration (by alias) and one of its channels. */
export type BotChannel<B extends BotShape> = Values<{
  [A in keyof Field<B, 'integrations'>]: Values<{ [C in keyof ChannelsOf<Field<B, 'integrations'>[A]>]: { integrationName: Str<A>; channel: Str<C> } }>
}>

// --- an integration's view
export type IntegrationStates<I extends IntegrationShape> = Cast<Field<I, 'states'>, States>
export type IntegrationEvents<I extends IntegrationShape> = Cast<Field<I, 'events'>, Payloads>
export type IntegrationMessage<I extends IntegrationShape> = MessageVariants<I>
export type IntegrationChannel<I extends IntegrationShape> = Str<keyof ChannelsOf<I>>
export type IntegrationTag<I extends IntegrationShape, K extends 'user' | 'conversation' | 'message'> = K extends 'user'
  ? TagName<I, 'user'>
  : ChannelTag<I, Exclude<K, 'user'>>
