import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import type { Config, ConfigOf, Role } from './config'
import type { Db } from './db/db'
import { ApiError, errorBody, onError } from './errors'
import type { Verifier, UserRole } from './jwt'
import type { Kv } from './kv'
import type { Logger } from './log'
import type { Metrics } from './metrics'
import type { Mailer } from './mail'
import { requireService } from './middleware/service-auth'
import { securityHeaders } from './middleware/security-headers'
import type { Storage } from './s3'
import type { Services } from './services'

/** What a role app is built from: the Node server, the workerd entry and tests each make one. */
export type Deps = {
  config: Config
  log: Logger
  db?: Db
  kv?: Kv
  s3?: Storage
  mailer?: Mailer
  services?: Services
  /** Extra readiness checks by name, e.g. the frontend's view of the backend. */
  checks?: Record<string, () => Promise<unknown>>
  /** The TCP peer address of a request, from the runtime adapter. */
  peerAddress?: (c: Context) => string | undefined
  /** Verifies a user's access token (JWKS from auth); needed by requireUser. */
  verifier?: Verifier
  /** The clock, in ms since the epoch; tests move it. */
  now?: () => number
  /** Request and domain metrics (prom-client on Node); absent where the runtime has none. */
  metrics?: Metrics
}
export type RoleDeps<R extends Role> = Deps & { config: ConfigOf<R> }

export type User = { id: string; role: UserRole; email: string; name: string; sessionId: string }
export type AppEnv<D extends Deps = Deps> = {
  Variables: D & { requestId: string; now: () => number; user?: User; caller?: Role }
}

const READY_TIMEOUT_MS = 2000
const TRUSTED_ID = /^[\w.-]{8,64}$/

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, no) => setTimeout(() => no(new Error('timeout')), ms))])

async function readiness(deps: Deps) {
  const checks: Record<string, () => Promise<unknown>> = { ...deps.checks }
  if (deps.db) checks.db = () => deps.db!.ping()
  if (deps.kv) checks.kv = () => deps.kv!.ping()
  if (deps.s3) checks.s3 = () => deps.s3!.ping()
  const names = Object.keys(checks)
  const results = await Promise.allSettled(names.map((n) => within(checks[n](), READY_TIMEOUT_MS)))
  return Object.fromEntries(names.map((n, i) => [n, results[i].status === 'fulfilled' ? 'up' : 'down']))
}

/**
 * A role app: request id, deps as context variables, access log, security headers, body limit,
 * /healthz, /readyz, and the one error shape for everything that goes wrong.
 */
export function createApp<D extends Deps>(role: Role, deps: D) {
  const app = new Hono<AppEnv<D>>()
  const edge = role === 'frontend' // the public edge never trusts a request id from the internet

  app.use(
    requestId({
      headerName: edge ? '' : 'X-Request-Id',
      generator: (c) => {
        const upstream = c.req.header('x-request-id')
        return !edge && upstream && TRUSTED_ID.test(upstream) ? upstream : crypto.randomUUID()
      },
    }),
  )
  app.use(async function context(c, next) {
    for (const [k, v] of Object.entries(deps)) c.set(k as never, v as never)
    if (!deps.now) c.set('now', Date.now)
    await next()
  })
  app.use(async function accessLog(c, next) {
    const start = performance.now()
    await next()
    const route = routePath(c) // after next(): the route that answered
    const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics'
    deps.metrics?.observeRequest({ method: c.req.method, route, status: c.res.status, seconds: (performance.now() - start) / 1000 })
    deps.log[quiet ? 'debug' : 'info']('request', {
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
      requestId: c.get('requestId'),
      userId: c.get('user')?.id,
    })
  })
  app.use(securityHeaders(edge ? 'spa' : 'api'))
  const limitBody = bodyLimit({
    maxSize: deps.config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `Request body over ${deps.config.BODY_LIMIT_BYTES} bytes`)
    },
  })
  // GET and HEAD carry no body; asking for one would build a whole Request on Node for nothing.
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)))

  app.get('/healthz', (c) => c.json({ status: 'ok', role }))
  app.get('/readyz', async (c) => {
    const checks = await readiness(deps)
    const down = Object.keys(checks).filter((n) => checks[n] === 'down')
    if (!down.length) return c.json({ status: 'ready', role, checks })
    const err = new ApiError('UNAVAILABLE', `Not ready: ${down.join(', ')} down`, { checks })
    return c.json(errorBody(err, c.var.requestId), 503)
  })
  // Prometheus scrapes the roles on core-net; the public edge does not expose its metrics.
  if (deps.metrics && !edge)
    app.get('/metrics', async (c) => {
      const { contentType, body } = await deps.metrics!.render()
      return c.body(body, 200, { 'content-type': contentType })
    })
  // Lets a caller check that it can reach this role and that their service secrets agree.
  if (deps.services) app.get('/internal/ping', requireService(), (c) => c.json({ role, caller: c.var.caller }))

  app.notFound((c) => c.json(errorBody(new ApiError('NOT_FOUND', 'No such route'), c.var.requestId), 404))
  app.onError(onError)
  return app
}
