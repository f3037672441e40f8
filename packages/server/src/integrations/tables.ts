import type { Generated } from 'kysely'

/**
 * Integrations, interfaces and plugins share one shape: a named, versioned definition a workspace publishes,
 * private to it or visible to every workspace of the server (the hub). They live in one table, told apart by
 * `kind`, so that naming, versions, visibility and lookups are written once.
 */
export type HubKind = 'integration' | 'interface' | 'plugin'

/** `private` (the owner workspace only), `public` (listed in the hub) or `unlisted` (reachable by id or name, not listed). */
export type Visibility = 'public' | 'private' | 'unlisted'

export interface IntegrationsTables {
  hubPackages: {
    id: string
    kind: HubKind
    workspaceId: string
    name: string
    version: string
    /** 1 for a development integration (runs locally at its `url`), else 0. */
    dev: Generated<number>
    visibility: Generated<Visibility>
    verificationStatus: Generated<'unapproved' | 'pending' | 'approved' | 'rejected'>
    title: string
    description: string
    /** Lower-case name, title, description, action and interface names: what `search` matches. */
    keywords: Generated<string>
    /** JSON: the rest of the definition (channels, actions, events, states, entities, dependencies, ...). */
    definition: Generated<string>
    /** JSON `{ NAME: value }` of an integration's secrets; their values are never returned. */
    secrets: Generated<string>
    /** An integration's JavaScript, or JSON `{ node, browser }` of a plugin's bundles. */
    code: string | null
    url: string | null
    /** Base64 SVG, served at the definition's `iconUrl`. */
    icon: string | null
    /** Base64 Markdown, served at the definition's `readmeUrl`. */
    readme: string | null
    createdAt: string
    updatedAt: string
  }
  /** What a definition points at: the interfaces an integration implements, a plugin's dependencies. */
  hubReferences: {
    packageId: string
    alias: string
    targetKind: HubKind
    targetId: string
  }
  /** Log lines the server recorded for an integration (the requests its keys made), a batch per row. */
  integrationLogBatches: {
    id: string
    integrationId: string
    firstTimestamp: string
    lastTimestamp: string
    /** JSON: `[timestamp, level, message, userId, conversationId, workflowId][]`, in the order recorded. */
    lines: string
  }
  /** The shareable id of an integration installed on a bot (sandbox links). */
  integrationShareableIds: {
    botId: string
    integrationId: string
    shareableId: string
    createdAt: string
  }
}
