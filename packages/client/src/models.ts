import type { PublicApi } from '@bpkit/spec'

/** The public API's models, under the names the official client exports them. */
export type Account = PublicApi.Account
export type Activity = PublicApi.Activity
export type Bot = PublicApi.Bot
export type Column = PublicApi.Column
export type Conversation = PublicApi.Conversation
export type Event = PublicApi.Event
export type File = PublicApi.File
export type Integration = PublicApi.Integration
export type Interface = PublicApi.Interface
export type Issue = PublicApi.Issue
export type IssueEvent = PublicApi.IssueEvent
export type Message = PublicApi.Message
export type Plugin = PublicApi.Plugin
export type Row = PublicApi.Row
export type State = PublicApi.State
export type Table = PublicApi.Table
export type Task = PublicApi.Task
export type Usage = PublicApi.Usage
export type User = PublicApi.User
export type Version = PublicApi.Version
export type Workflow = PublicApi.Workflow
export type Workspace = PublicApi.Workspace
export type WorkspaceMember = PublicApi.WorkspaceMember
