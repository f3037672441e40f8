import type { PublicApi } from '@bpkit/spec'
import type { RequestOptions } from '../types.js'
import type { UploadFileInput, UploadFileOutput } from '../upload.js'
import type { ChatOperations, In, Merge, Method, Out } from './chat-operations.js'
import type { BotActions, BotTables, BotWorkflows, TagRecord } from './names.js'
import type { BotShape } from './shapes.js'
import type { BotView } from './view.js'

type Str<T> = T & string
type Row<T> = PublicApi.Row & T
type InputOf<M, K extends keyof M> = M[K] extends { input: infer I } ? I : never
type OutputOf<M, K extends keyof M> = M[K] extends { output: infer O } ? O : never
type WorkflowTypes<B extends BotShape> = BotWorkflows<B>
type TypedWorkflow<B extends BotShape, N extends keyof WorkflowTypes<B>> = Merge<
  PublicApi.Workflow,
  { name: N; input: InputOf<WorkflowTypes<B>, N>; output: Partial<OutputOf<WorkflowTypes<B>, N>> }
>
type AnyWorkflow<B extends BotShape> = { [N in keyof WorkflowTypes<B>]: TypedWorkflow<B, N> }[keyof WorkflowTypes<B>]
type WorkflowInput<B extends BotShape, N extends keyof WorkflowTypes<B>, K extends 'createWorkflow' | 'getOrCreateWorkflow'> = Merge<
  In<K>,
  { name: N; input: InputOf<WorkflowTypes<B>, N>; tags?: TagRecord<string> }
>

/** The file operations code uses as they are: the typed clients pass them through, hooks included. */
export interface FileOperations {
  uploadFile: Method<UploadFileInput, UploadFileOutput>
  upsertFile: Method<In<'upsertFile'>, Out<'upsertFile'>>
  deleteFile: Method<In<'deleteFile'>, Out<'deleteFile'>>
  listFiles: Method<In<'listFiles'>, Out<'listFiles'>>
  getFile: Method<In<'getFile'>, Out<'getFile'>>
  updateFileMetadata: Method<In<'updateFileMetadata'>, Out<'updateFileMetadata'>>
  searchFiles: Method<In<'searchFiles'>, Out<'searchFiles'>>
}

/** Every operation of `BotSpecificClient<B>`, narrowed by the bot's description. */
export interface BotOperations<B extends BotShape> extends ChatOperations<BotView<B>>, FileOperations {
  callAction<T extends Str<keyof BotActions<B>>>(
    input: { type: T; input: InputOf<BotActions<B>, T> },
    options?: RequestOptions,
  ): Promise<Merge<Out<'callAction'>, { output: OutputOf<BotActions<B>, T> }>>

  getTableRow<T extends Str<keyof BotTables<B>>>(input: { table: T; id: number }, options?: RequestOptions): Promise<{ row: Row<BotTables<B>[T]> }>
  findTableRows<T extends Str<keyof BotTables<B>>>(
    input: Merge<In<'findTableRows'>, { table: T; select?: Str<keyof BotTables<B>[T]>[] }>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'findTableRows'>, { rows: Row<BotTables<B>[T]>[] }>>
  createTableRows<T extends Str<keyof BotTables<B>>>(
    input: Merge<In<'createTableRows'>, { table: T; rows: BotTables<B>[T][] }>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'createTableRows'>, { rows: Row<BotTables<B>[T]>[] }>>
  updateTableRows<T extends Str<keyof BotTables<B>>>(
    input: Merge<In<'updateTableRows'>, { table: T; rows: ({ id: number } & Partial<BotTables<B>[T]>)[] }>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'updateTableRows'>, { rows: Row<BotTables<B>[T]>[] }>>
  upsertTableRows<T extends Str<keyof BotTables<B>>>(
    input: Merge<In<'upsertTableRows'>, { table: T; rows: ({ id?: number } & BotTables<B>[T])[]; keyColumn?: Str<keyof BotTables<B>[T]> }>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'upsertTableRows'>, { inserted: Row<BotTables<B>[T]>[]; updated: Row<BotTables<B>[T]>[] }>>
  deleteTableRows<T extends Str<keyof BotTables<B>>>(input: Merge<In<'deleteTableRows'>, { table: T }>, options?: RequestOptions): Promise<Out<'deleteTableRows'>>

  createWorkflow<N extends Str<keyof WorkflowTypes<B>>>(input: WorkflowInput<B, N, 'createWorkflow'>, options?: RequestOptions): Promise<{ workflow: TypedWorkflow<B, N> }>
  getOrCreateWorkflow<N extends Str<keyof WorkflowTypes<B>>>(
    input: WorkflowInput<B, N, 'getOrCreateWorkflow'>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'getOrCreateWorkflow'>, { workflow: TypedWorkflow<B, N> }>>
  getWorkflow: Method<In<'getWorkflow'>, Merge<Out<'getWorkflow'>, { workflow: AnyWorkflow<B> }>>
  updateWorkflow: Method<In<'updateWorkflow'>, Merge<Out<'updateWorkflow'>, { workflow: AnyWorkflow<B> }>>
  deleteWorkflow: Method<In<'deleteWorkflow'>, Out<'deleteWorkflow'>>
  listWorkflows<N extends Str<keyof WorkflowTypes<B>> = Str<keyof WorkflowTypes<B>>>(
    input?: Merge<In<'listWorkflows'>, { name?: N }>,
    options?: RequestOptions,
  ): Promise<Merge<Out<'listWorkflows'>, { workflows: Extract<AnyWorkflow<B>, { name: N }>[] }>>
}

