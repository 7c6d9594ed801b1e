import { Hono } from 'hono'
import type { FrontendEnv } from './env'

/** The built SPA; unknown paths get index.html so client-side routes survive a reload. */
export default new Hono<FrontendEnv>().get('*', (c) => c.var.assets.fetch(c.req.raw))
