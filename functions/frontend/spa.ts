import { Hono } from 'hono'
import type { AppEnv } from '../../lib/app'
import type { FrontendDeps } from './index'

/** The built SPA; unknown paths get index.html so client-side routes survive a reload. */
export default new Hono<AppEnv<FrontendDeps>>().get('*', (c) => c.var.assets.fetch(c.req.raw))
