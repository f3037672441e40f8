import type { Section } from '../handlers.js'
import { copyHandlers } from './copy.js'
import { fileHandlers } from './file-handlers.js'
import { knowledgeBaseHandlers } from './knowledge-bases.js'
import { passageHandlers } from './passages.js'
import { registerFileRoutes } from './routes.js'
import { searchHandlers } from './search.js'
import { sweepFiles } from './sweep.js'
import { blobsOf } from './lookup.js'
import { tagHandlers } from './tags.js'

/** Files: upload and download through signed URLs, tags, indexing into passages, full-text search, knowledge bases. */
export const filesSection: Section = {
  name: 'files',
  handlers: { ...fileHandlers, ...copyHandlers, ...tagHandlers, ...passageHandlers, ...searchHandlers, ...knowledgeBaseHandlers },
  routes: registerFileRoutes,
  sweep: sweepFiles,
  onBotsDeleted: async (services, botIds) => {
    for (const botId of botIds) await blobsOf(services).removeBot(botId)
  },
}
