import { Hono } from 'hono'
import { z } from 'zod'
import { oauthProviders, Provider, redirectUri, startFlow } from '../../lib/auth/oauth'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { DeviceHeader } from './_lib/shared'

/** The providers this deployment offers, so the SPA shows only those buttons. */
export const providers = new Hono<AuthEnv>().get('/auth/oauth/providers', (c) =>
  c.json({ providers: Object.keys(oauthProviders(c.var.config)) }),
)

/** Starts an authorization-code flow with PKCE, state and nonce; answers the provider URL to open. */
export default new Hono<AuthEnv>().post(
  '/auth/oauth/:provider/start',
  validate('param', z.object({ provider: Provider })),
  validate('header', DeviceHeader),
  async (c) => {
    const { provider } = c.req.valid('param')
    const config = oauthProviders(c.var.config)[provider]
    if (!config) throw new ApiError('NOT_FOUND', `Sign-in with ${provider} is not configured`)
    const url = await asService(c.var.db, (sql) =>
      startFlow(sql, config, {
        provider,
        deviceId: c.req.valid('header')['x-device-id'],
        redirectUri: redirectUri(c.var.config.APP_URL, provider),
        now: c.var.now(),
      }),
    )
    return c.json({ url })
  },
)
