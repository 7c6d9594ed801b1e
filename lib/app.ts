import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import { answerHeader } from './answer-header'
import type { Config, ConfigOf, Role } from './config'
import { ANKI_IMPORT_PATH, MEDIA_MAX_BYTES, UPLOAD_MAX_BYTES, UPLOAD_PATHS } from './content/limits'
import type { Db } from './db/db'
import { ApiError, errorBody, onError } from './errors'
import type { Charge } from './middleware/credits'
import type { Verifier, UserRole } from './jwt'
import type { Kv } from './kv'
import type { Logger } from './log'
import type { Metrics } from './metrics'
import type { Mailer } from './mail'
import { requireService } from './middleware/service-auth'
import { securityHeaders } from './middleware/security-headers'
import { readinessOf } from './readiness'
import { CachedRouter } from './router'
import type { Storage } from './s3'
import type { Services } from './services'
import { declaredLength, guardInput, hasBody } from './validate'

/** What a role app is built from: the Node server, the workerd entry and tests each make one. */
export type Deps = {
  config: Config
  log: Logger
  db?: Db
  kv?: Kv
  s3?: Storage
  mailer?: Mailer
  services?: Services
  /** Dependencies the role fails open on, by name (the frontend's view of the backend): shown by /readyz. */
  checks?: Record<string, () => Promise<unknown>>
  /** The newest migration this code was written for: /readyz waits until the database has it. */
  schemaVersion?: string
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
  Variables: D & {
    requestId: string
    now: () => number
    user?: User
    caller?: Role
    /** On a paid route: records its answer's charge (lib/middleware/credits.ts). */
    charge?: Charge
    /** On a paid route: an earlier attempt under this key ended uncharged (lib/middleware/credits.ts). */
    rerun?: boolean
    /** On a paid route: the Idempotency-Key it runs under, the client's or its own (lib/middleware/credits.ts). */
    paidKey?: string
  }
}

type Vars = { var: Record<string, unknown> }
function setVar(this: Vars, key: string, value: unknown) {
  this.var[key] = value
}
function getVar(this: Vars, key: string) {
  return this.var[key]
}

const TRUSTED_ID = /^[\w.-]{8,64}$/

/**
 * The caller's request id on an inner role when well-formed, else a new one; sent back as X-Request-Id (the
 * edge trusts none and sends none).
 */
const requestIds = (edge: boolean) =>
  createMiddleware<AppEnv>(async function requestId(c, next) {
    const upstream = edge ? undefined : c.req.header('x-request-id')
    const id = upstream && TRUSTED_ID.test(upstream) ? upstream : crypto.randomUUID()
    c.set('requestId', id)
    if (!edge) answerHeader(c, 'X-Request-Id', id)
    await next()
  })

/**
 * A role app: request id, deps as context variables, access log, security headers, body limit, input guard,
 * /healthz, /readyz, and the one error shape for everything that goes wrong.
 */
export function createApp<D extends Deps>(role: Role, deps: D) {
  const app = new Hono<AppEnv<D>>({ router: new CachedRouter() })
  const edge = role === 'frontend' // the public edge never trusts a request id from the internet

  // Hono keeps variables in a Map, and every read of c.var copies them all into a new object: with a dozen
  // deps that copying, and setting each dep per request, cost more than a cheap route itself. So c.var is
  // one object per request whose prototype holds the deps, and c.set and c.get write and read it.
  // set and get are shared functions of `this` rather than two closures made for every request.
  const shared: Record<string, unknown> = { ...deps, now: deps.now ?? Date.now }
  app.use(async function context(c, next) {
    Object.defineProperty(c, 'var', { value: Object.create(shared) })
    c.set = setVar
    c.get = getVar as typeof c.get
    await next()
  })
  app.use(requestIds(edge))
  app.use(async function accessLog(c, next) {
    const start = performance.now()
    await next()
    const route = routePath(c) // after next(): the route that answered
    const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics'
    deps.metrics?.observeRequest({
      method: c.req.method,
      route,
      status: c.res.status,
      seconds: (performance.now() - start) / 1000,
    })
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
  const limitOf = (maxSize: number, message: string, details?: object) => {
    const tooLarge = () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', message, details)
    }
    const counted = bodyLimit({ maxSize, onError: tooLarge }) // a body without a length, as it arrives
    return (c: Context, next: () => Promise<void>) => {
      if (!hasBody(c)) return next()
      const length = declaredLength(c)
      if (length === undefined) return counted(c, next)
      return length > maxSize ? tooLarge() : next()
    }
  }
  const limitBody = limitOf(
    deps.config.BODY_LIMIT_BYTES,
    `Request body over ${deps.config.BODY_LIMIT_BYTES} bytes`,
  )
  const limitUpload = limitOf(
    Math.max(UPLOAD_MAX_BYTES, deps.config.BODY_LIMIT_BYTES),
    `An upload may be at most ${UPLOAD_MAX_BYTES / 1024 / 1024} MB (an image ${MEDIA_MAX_BYTES.image / 1024 / 1024} MB)`,
    { max: UPLOAD_MAX_BYTES },
  )
  // An Anki package streams through to the backend's import route, which holds it to ANKI_IMPORT_MAX_BYTES.
  app.use((c, next) =>
    ANKI_IMPORT_PATH.test(c.req.path)
      ? next()
      : (UPLOAD_PATHS.test(c.req.path) ? limitUpload : limitBody)(c, next),
  )
  // The frontend passes bodies through as streams; the backend, the first role to read them, checks them.
  if (!edge) app.use(guardInput(deps.config.JSON_MAX_DEPTH))

  app.get('/healthz', (c) => c.json({ status: 'ok', role }))
  const readiness = readinessOf(deps)
  app.get('/readyz', async (c) => {
    const { ready, degraded, checks } = await readiness()
    if (ready) return c.json({ status: degraded ? 'degraded' : 'ready', role, checks })
    const down = Object.keys(checks).filter((n) => checks[n] === 'down')
    const err = new ApiError('UNAVAILABLE', `Not ready: ${down.join(', ')} down`, { checks })
    return c.json(errorBody(err, c.var.requestId), 503)
  })
  deps.metrics?.gauge('dependency_up', async () =>
    Object.entries((await readiness()).checks).map(([dependency, s]) => ({
      labels: { dependency },
      value: s === 'up' ? 1 : 0,
    })),
  )
  // Prometheus scrapes the roles on core-net; the public edge does not expose its metrics.
  const { metrics } = deps
  if (metrics && !edge)
    app.get('/metrics', async (c) => {
      const { contentType, body } = await metrics.render()
      return c.body(body, 200, { 'content-type': contentType })
    })
  // Lets the backend (its status page) check that it can reach this role and that their service keys agree.
  if (deps.services)
    app.get('/internal/ping', requireService({ from: ['backend'] }), (c) =>
      c.json({ role, caller: c.var.caller }),
    )

  app.notFound((c) =>
    c.json(errorBody(new ApiError('NOT_FOUND', 'No such route'), c.var.requestId), 404),
  )
  app.onError(onError)
  return app
}
