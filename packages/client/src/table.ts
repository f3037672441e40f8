import { compactTables, type OperationDefinition } from '@bpkit/spec'

/** How an operation travels; the client never needs the success status. */
export type Route = Omit<OperationDefinition, 'status'>
export type Routes = Record<string, Route>

const list = (field: string) => (field ? field.split(',') : undefined)

/** Reads the spec's compact tables (one line per operation), which keep the bundle small. */
function decode(lines: string): Routes {
  const routes: Routes = {}
  for (const line of lines.split('\n')) {
    const [name, method, path, query, body, headers, retrySafe] = line.split(' ')
    const route: { -readonly [K in keyof Route]: Route[K] } = { method: method as Route['method'], path }
    if (query) route.query = list(query)
    if (headers) route.headers = list(headers)
    if (body !== '-') route.body = list(body) ?? []
    if (retrySafe === '1') route.retrySafe = true
    routes[name] = route
  }
  return routes
}

const only = (routes: Routes, members: string): Routes =>
  Object.fromEntries(Object.entries(routes).filter((_, i) => members[i] === '1'))

export const publicRoutes = decode(compactTables.public)
export const billingRoutes = decode(compactTables.billing)
export const runtimeRoutes = only(publicRoutes, compactTables.members.runtime)
export const adminRoutes = only(publicRoutes, compactTables.members.admin)
export const filesRoutes = only(publicRoutes, compactTables.members.files)
export const tablesRoutes = only(publicRoutes, compactTables.members.tables)
