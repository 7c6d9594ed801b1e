import { Hono } from 'hono'
import { except } from 'hono/combine'
import { OAUTH_PROVIDERS } from '../../lib/auth/providers'
import { ApiError } from '../../lib/errors'
import { requireUser } from '../../lib/middleware/auth'
import { named } from '../../lib/middleware/named'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { readJson } from '../../lib/validate'
import { relayAuth } from './_lib/auth-relay'
import type { BackendEnv } from './env'
import { clearRefreshCookie, setOAuthStateCookie } from './_lib/cookies'

// Routes for people who are not signed in (limited per client address); the rest need an access token.
const PUBLIC: [string, RegExp][] = [
  [
    'POST',
    /^\/(register|register\/verify|register\/resend|login|login\/verify|password\/forgot|password\/reset)$/,
  ],
  ['GET', /^\/oauth\/providers$/],
  ['POST', new RegExp(`^/oauth/(${OAUTH_PROVIDERS.join('|')})/start$`)],
]
const isPublic = (method: string, path: string) =>
  PUBLIC.some(([m, re]) => m === method && re.test(path))
const subPath = (path: string) => path.replace(/^\/api\/auth/, '')
// Answers after which this browser's refresh cookie is dead.
const SIGNS_OUT = new Set(['/logout', '/password'])

/** Everything under /api/auth/* goes to the auth role; the refresh token travels only in the cookie. */
export default new Hono<BackendEnv>()
  .use(
    '/api/auth/*',
    named(
      'public? rateLimit(public)',
      except((c) => !isPublic(c.req.method, subPath(c.req.path)), rateLimit('public')),
    ),
  )
  .use(
    '/api/auth/*',
    named(
      'else requireUser → rateLimit(standard)',
      except(
        (c) => isPublic(c.req.method, subPath(c.req.path)),
        requireUser(),
        rateLimit('standard'),
      ),
    ),
  )
  .all('/api/auth/*', async (c) => {
    const hasBody =
      c.req.method !== 'GET' && c.req.method !== 'DELETE' && c.req.header('content-length') !== '0'
    const raw = hasBody ? await readJson(c) : undefined
    const url = new URL(c.req.url)
    const path = subPath(url.pathname)
    if (path.startsWith('/admin/')) throw new ApiError('NOT_FOUND', 'Not found') // admins use /api/admin/*
    const { status, json } = await relayAuth(c, `/auth${path}${url.search}`, {
      method: c.req.method,
      raw,
    })
    if (status < 300 && SIGNS_OUT.has(path)) clearRefreshCookie(c)
    const state =
      status === 200 && /^\/oauth\/\w+\/start$/.test(path)
        ? new URL(String(json?.url)).searchParams.get('state')
        : null
    if (state) setOAuthStateCookie(c, state)
    return json === null ? c.body(null, status) : c.json(json, status)
  })
