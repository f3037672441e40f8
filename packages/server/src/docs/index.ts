import type { Section } from '../handlers.js'
import { registerDocsRoutes } from './routes.js'

/** The API reference at `/docs` (Swagger UI over the pinned spec, "try it" against this server) and its OpenAPI document. */
export const docsSection: Section = {
  name: 'docs',
  routes: registerDocsRoutes,
}
