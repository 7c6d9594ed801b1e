import { compress } from 'hono/compress'
import { cors } from 'hono/cors'
import { createApp } from '../../lib/app'
import { named } from '../../lib/middleware/named'
import apiProxy from './api-proxy'
import type { FrontendDeps } from './env'
import spa from './spa'

export default function createFrontendApp(deps: FrontendDeps) {
  const backendUp = async () => {
    const res = await deps.backend.request({
      method: 'GET',
      path: '/healthz',
      headers: {},
      body: null,
    })
    if (!res.ok) throw new Error(`backend answered ${res.status}`)
  }
  const allowOrigins = cors({
    origin: (origin) => (deps.config.ALLOWED_ORIGINS.includes(origin) ? origin : null),
    credentials: true,
    allowHeaders: ['Authorization', 'Content-Type', 'X-Device-Id'],
    exposeHeaders: [
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'X-Request-Id',
    ],
    maxAge: 600,
  })
  return (
    createApp('frontend', { ...deps, checks: { backend: backendUp, ...deps.checks } })
      // Hono's cors sets headers before and after the route, which rebuilds the response twice; a request
      // without an Origin (a same-origin GET) has no CORS question to answer, so it skips all that.
      .use(
        '/api/*',
        named('cors', async (c, next) => {
          if (c.req.header('origin') !== undefined) return allowOrigins(c, next)
          await next()
          c.res.headers.append('Vary', 'Origin')
        }),
      )
      // API answers over 1 kB, when the client takes gzip (CompressionStream has gzip in Node and workerd alike).
      .use('/api/*', compress({ encoding: 'gzip', threshold: 1024 }))
      .route('/', apiProxy)
      .route('/', spa)
  )
}
