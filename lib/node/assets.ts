import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import type { Fetcher } from '../services'

/** The built SPA from `dir`; hashed files are cached for a year, index.html is always revalidated. */
export function staticAssets(dir: string): Fetcher {
  const app = new Hono()
    .use('/assets/*', async (c, next) => {
      await next()
      if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
    })
    .use('*', async (c, next) => {
      await next()
      if (c.res.headers.get('content-type')?.startsWith('text/html'))
        c.header('Cache-Control', 'no-cache')
    })
    .use('*', serveStatic({ root: dir }))
    .get('*', serveStatic({ path: join(dir, 'index.html') }), (c) => c.text('SPA not built', 503))
  return { fetch: async (req) => app.fetch(req) }
}
