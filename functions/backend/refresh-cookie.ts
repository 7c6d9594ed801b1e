import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { ConfigOf } from '../../lib/config'

const NAME = 'ld_refresh'
const MAX_AGE_S = 7 * 86_400

/**
 * Over HTTPS: `__Host-ld_refresh`, Secure, Path=/ (the prefix forbids any other path). Over plain HTTP
 * (local): `ld_refresh` scoped to /api/auth. Always HttpOnly and SameSite=Lax.
 */
function options(c: Context): CookieOptions {
  const mode = (c.get('config') as ConfigOf<'backend'>).COOKIE_SECURE
  const secure = mode === 'always' || (mode === 'auto' && c.req.header('x-forwarded-proto') === 'https')
  return secure
    ? { httpOnly: true, sameSite: 'Lax', secure: true, path: '/', prefix: 'host' }
    : { httpOnly: true, sameSite: 'Lax', path: '/api/auth' }
}

export const setRefreshCookie = (c: Context, token: string) => setCookie(c, NAME, token, { ...options(c), maxAge: MAX_AGE_S })

export const clearRefreshCookie = (c: Context) => deleteCookie(c, NAME, options(c))

export const readRefreshCookie = (c: Context) => {
  const o = options(c)
  return o.prefix ? getCookie(c, NAME, 'host') : getCookie(c, NAME)
}
