import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { OAUTH_PROVIDERS } from '../../lib/auth/providers'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import { relayAuth } from './_lib/auth-relay'
import { takeOAuthStateCookie } from './_lib/cookies'
import type { BackendEnv } from './env'

const Provider = z.object({ provider: z.enum(OAUTH_PROVIDERS) })
const Answer = z.object({
  code: z.string().min(1).max(2048),
  state: z.string().min(16).max(128),
  user: z.string().max(2000).optional(),
})

// Apple sends the user's name once, as JSON in the form's `user` field.
const appleName = (user?: string) => {
  try {
    const n = user
      ? (JSON.parse(user) as { name?: { firstName?: string; lastName?: string } }).name
      : undefined
    return [n?.firstName, n?.lastName].filter(Boolean).join(' ').slice(0, 100) || undefined
  } catch {
    return undefined
  }
}

/**
 * Where the provider sends the browser back (Google: GET with a query, Apple: form POST). The state must
 * match the one this browser started with. The browser lands on the SPA with the refresh cookie set; the
 * access token never appears in a URL (the SPA refreshes to get one).
 */
async function finish(c: Context<BackendEnv>, provider: string, answer: unknown) {
  const parsed = Answer.safeParse(answer)
  const started = takeOAuthStateCookie(c)
  if (!parsed.success || !started || started !== parsed.data.state)
    return c.redirect('/#/signin?error=oauth_state', 303)
  const { code, state, user } = parsed.data
  const { status, json } = await relayAuth(c, `/auth/oauth/${provider}/callback`, {
    body: { code, state, name: appleName(user) },
  })
  if (status !== 200)
    return c.redirect(`/#/signin?error=${(json?.error as { code?: string })?.code ?? 'oauth'}`, 303)
  if (json?.twoFactorRequired) return c.redirect(`/#/signin?challenge=${json.challenge}`, 303)
  return c.redirect('/#/', 303)
}

export default new Hono<BackendEnv>()
  .get(
    '/api/auth/oauth/:provider/callback',
    rateLimit('public'),
    validate('param', Provider),
    (c) => finish(c, c.req.valid('param').provider, c.req.query()),
  )
  .post(
    '/api/auth/oauth/:provider/callback',
    rateLimit('public'),
    validate('param', Provider),
    async (c) => finish(c, c.req.valid('param').provider, await c.req.parseBody()),
  )
