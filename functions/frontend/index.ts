import { cors } from 'hono/cors'
import { createApp } from '../../lib/app'
import apiProxy from './api-proxy'
import type { FrontendDeps } from './env'
import spa from './spa'

export default function createFrontendApp(deps: FrontendDeps) {
  const backendUp = async () => {
    const res = await fetch(new URL('/healthz', deps.config.BACKEND_URL))
    if (!res.ok) throw new Error(`backend answered ${res.status}`)
  }
  return createApp('frontend', { ...deps, checks: { backend: backendUp, ...deps.checks } })
    .use(
      '/api/*',
      cors({
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
      }),
    )
    .route('/', apiProxy)
    .route('/', spa)
}
