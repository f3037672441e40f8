import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import qs from 'qs'
import { newUlid } from '../ids.js'
import { billingOperations, publicOperations, type OperationDefinition } from '@bpkit/spec'
import { apiSchemas, type ApiSchemas } from '@bpkit/spec/schemas'
import { RequestContext, type Services } from '../context.js'
import type { Handler, Section } from '../handlers.js'
import { notSupported } from '../errors.js'
import { sendError, toApiError } from './errors.js'
import { COMPONENTS_ID, componentsDocument, createValidatorCompiler, rewriteRefs } from './validation.js'

/** `/v1/chat/conversations/{id}` → `/v1/chat/conversations/:id` */
const toRoutePath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1')

declare module 'fastify' {
  interface FastifyRequest {
    bpkitContext?: RequestContext
  }
}

/** Builds the Fastify app: one route per operation of the contract, answered by the sections' handlers. */
export async function buildApp(services: Services, sections: Section[]): Promise<FastifyInstance> {
  const { config } = services
  const app = Fastify({
    logger: { level: config.logLevel },
    // One log line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: false,
    bodyLimit: config.bodyLimit,
    genReqId: () => `req_${newUlid()}`,
    // Errors the router raises before a route is found (a malformed URL, an over-long path parameter).
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id)
      return sendError(reply, toApiError(error))
    },
    routerOptions: {
      querystringParser: (query: string) => qs.parse(query, { allowDots: true, depth: 5, arrayLimit: 1000, parameterLimit: 2000 }),
    },
  })

  app.setValidatorCompiler(createValidatorCompiler(componentsDocument(apiSchemas.public.components.schemas)))
  app.addSchema(componentsDocument(apiSchemas.public.components.schemas))
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error)
    if (apiError.code >= 500) request.log.error({ err: error }, 'request failed')
    if (request.bpkitContext) request.bpkitContext.error = { type: apiError.type, message: apiError.message }
    reply.header('x-request-id', request.id)
    return sendError(reply, apiError)
  })
  app.setNotFoundHandler((request, reply) => {
    reply.header('x-request-id', request.id)
    return sendError(reply, toApiError(Object.assign(new Error(`No route ${request.method} ${request.url.split('?')[0]}`), { statusCode: 404 })))
  })

  // The one hook every request pays for after its response: its log line, then the sections' observers.
  // Observers that need no lookup answer synchronously, and then nothing waits for a promise.
  const observers = sections.filter((s) => s.afterOperation)
  // The level is set once at start: below info, the line is not even built.
  const logsRequests = (app.log as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled('info')
  app.addHook('onResponse', (request, reply, done) => {
    if (logsRequests) {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request')
    }
    const ctx = request.bpkitContext
    if (!ctx) return done()
    const event = { operation: ctx.operation, status: reply.statusCode, ctx }
    const warn = (section: Section, err: unknown) => request.log.warn({ err }, `${section.name}: afterOperation failed`)
    let pending: Promise<void>[] | undefined
    for (const section of observers) {
      try {
        const result = section.afterOperation!(event)
        if (result) (pending ??= []).push(result.catch((err: unknown) => warn(section, err)))
      } catch (err) {
        warn(section, err)
      }
    }
    if (pending) void Promise.all(pending).then(() => done())
    else done()
  })

  app.get('/healthz', async () => ({ status: 'ok' }))

  const lifecycle = { beforeReply: sections.filter((s) => s.beforeReply) }
  registerOperations(app, services, publicOperations, apiSchemas.public, mergeHandlers(sections, 'handlers'), lifecycle)
  registerOperations(app, services, billingOperations, apiSchemas.billing, mergeHandlers(sections, 'billingHandlers'), lifecycle)
  for (const section of sections) await section.routes?.(app, services)
  return app
}

type AnyHandler = Handler<any, any>

function mergeHandlers(sections: Section[], key: 'handlers' | 'billingHandlers'): Map<string, AnyHandler> {
  const merged = new Map<string, AnyHandler>()
  for (const section of sections) {
    for (const [operation, handler] of Object.entries(section[key] ?? {})) {
      if (merged.has(operation)) throw new Error(`Operation ${operation} is handled by two sections`)
      merged.set(operation, handler as AnyHandler)
    }
  }
  return merged
}

function registerOperations(
  app: FastifyInstance,
  services: Services,
  table: Record<string, OperationDefinition>,
  schemas: ApiSchemas,
  handlers: Map<string, AnyHandler>,
  lifecycle: { beforeReply: Section[] },
) {
  for (const [name, definition] of Object.entries(table)) {
    const handler = handlers.get(name)
    const opSchemas = schemas.operations[name]
    const headerFields = definition.headers ?? []
    app.route({
      method: definition.method.toUpperCase() as 'GET',
      url: toRoutePath(definition.path),
      schema: withoutUndefined({
        params: opSchemas.path,
        querystring: opSchemas.query ?? { type: 'object', additionalProperties: false },
        headers: opSchemas.headers,
        body: opSchemas.body,
        response: { [definition.status]: rewriteRefs(opSchemas.response) },
      }),
      onRequest: async (request, reply) => {
        reply.header('x-request-id', request.id)
        const token = await services.auth.authenticateRequest(request.method, request.headers)
        const principal = await services.auth.actingAs(token, headerValue(request, 'x-integration-id'), headerValue(request, 'x-bot-id'))
        request.bpkitContext = new RequestContext(services, principal, request.headers, request.id, request.log, name)
      },
      handler: async (request, reply) => {
        const ctx = request.bpkitContext!
        const input = mergeInput(request, headerFields)
        ctx.input = input
        await ctx.authorize(input)
        if (!handler) throw notSupported(name)
        ctx.output = await handler(input, ctx)
        for (const section of lifecycle.beforeReply) {
          try {
            await section.beforeReply!(ctx)
          } catch (err) {
            request.log.warn({ err }, `${section.name}: beforeReply failed`)
          }
        }
        return reply.code(definition.status).send(ctx.output)
      },
    })
  }
}

const headerValue = (request: FastifyRequest, name: string) => {
  const value = request.headers[name]
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined
}

const withoutUndefined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

/** The merged input object, in the shape the client method takes: path, query, header and body fields. */
function mergeInput(request: FastifyRequest, headerFields: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = { ...(request.params as object), ...(request.query as object) }
  for (const field of headerFields) {
    const value = request.headers[field.toLowerCase()]
    if (value !== undefined) input[field] = value
  }
  const body = request.body
  if (body && typeof body === 'object' && !Array.isArray(body)) Object.assign(input, body)
  return input
}

export { COMPONENTS_ID }
