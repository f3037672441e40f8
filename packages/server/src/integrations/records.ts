/** Helpers for the update operations' map semantics, shared by integrations, interfaces and plugins. */

export type Patch<T> = Record<string, T | null> | undefined

/** `current` with `patch` applied key by key: null removes a key, any other value goes through `apply`. */
export function mergeRecord<T, P>(
  current: Record<string, T>,
  patch: Patch<P>,
  apply: (value: P, existing: T | undefined) => T,
): Record<string, T> {
  if (!patch) return current
  const next = { ...current }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key]
    else next[key] = apply(value, current[key])
  }
  return next
}

/** Replaces the existing value with the patch's. */
export const replace = <T>(value: T): T => value

/** Attribute maps where a null value removes the attribute. */
export function withoutNullAttributes<T extends { attributes?: Record<string, string | null> }>(
  entry: T,
  existing?: { attributes?: Record<string, string> },
): Omit<T, 'attributes'> & { attributes?: Record<string, string> } {
  if (!entry.attributes) return existing?.attributes ? { ...entry, attributes: existing.attributes } : (entry as any)
  const attributes = mergeRecord(existing?.attributes ?? {}, entry.attributes, replace)
  return { ...entry, attributes }
}

/** Drops keys whose value is undefined, so optional output fields are omitted rather than null. */
export const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
