import type { Section } from '../handlers.js'
import { registerDocsRoutes } from './routes.js'

/**
 * The API reference at `/docs` (Swagger UI over the pinned spec, "try it" against this server) and its OpenAPI
 * document, which marks the operations none of `apiSections` answers.
 */
export function docsSectionFor(apiSections: Section[]): Section {
  const handled = new Set(apiSections.flatMap((section) => Object.keys(section.handlers ?? {})))
  return {
    name: 'docs',
    routes: (app, services) => registerDocsRoutes(app, services, (operation) => handled.has(operation)),
  }
}
