import type { RequestContext } from '../context.js'
import { newId } from '../ids.js'
import { keywordsOf } from './definitions.js'
import type { PackageRow } from './store.js'

/** What the create and update inputs of interfaces and plugins say about the package itself. */
type Described = { title?: string; description?: string; icon?: string; readme?: string }
type Definition = { actions?: object }

/** The columns of a new interface or plugin, from its create input and its definition (the kind's own columns aside). */
export function newPackageColumns(ctx: RequestContext, kind: 'interface' | 'plugin', workspaceId: string, input: Described & { name: string; version: string }, definition: Definition, visibility: PackageRow['visibility']) {
  const now = ctx.now()
  const title = input.title ?? input.name
  const description = input.description ?? ''
  return {
    id: newId(kind),
    kind,
    workspaceId,
    name: input.name,
    version: input.version,
    visibility,
    title,
    description,
    keywords: keywordsOf({ name: input.name, title, description, actions: definition.actions }),
    definition: JSON.stringify(definition),
    icon: input.icon ?? null,
    readme: input.readme ?? null,
    createdAt: now,
    updatedAt: now,
  }
}

/** The columns an update of an interface or plugin changes, from its input and its new definition; what the input leaves out stays. */
export function updatedPackageColumns(ctx: RequestContext, row: PackageRow, input: Described, definition: Definition, visibility: PackageRow['visibility']) {
  const title = input.title ?? row.title
  const description = input.description ?? row.description
  return {
    visibility,
    title,
    description,
    keywords: keywordsOf({ name: row.name, title, description, actions: definition.actions }),
    definition: JSON.stringify(definition),
    icon: input.icon ?? row.icon,
    readme: input.readme ?? row.readme,
    updatedAt: ctx.now(),
  }
}
