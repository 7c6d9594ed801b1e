import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { ConfigOf } from '../../../lib/config'

const NAME = 'ld_refresh'

/**
 * Over HTTPS: `__Host-ld_refresh`, Secure, Path=/ (the prefix forbids any other path). Over plain HTTP
 * (local): `ld_refresh` scoped to /api/auth. Always HttpOnly and SameSite=Lax.
 */
function isSecure(c: Context) {
  const mode = (c.get('config') as ConfigOf<'backend'>).COOKIE_SECURE
  return mode === 'always' || (mode === 'auto' && c.req.header('x-forwarded-proto') === 'https')
}

function options(c: Context): CookieOptions {
  return isSecure(c)
    ? { httpOnly: true, sameSite: 'Lax', secure: true, path: '/', prefix: 'host' }
    : { httpOnly: true, sameSite: 'Lax', path: '/api/auth' }
}

/** The cookie lives as long as the refresh token auth issued (`maxAgeS`, from REFRESH_TOKEN_TTL_S). */
export const setRefreshCookie = (c: Context, token: string, maxAgeS: number) =>
  setCookie(c, NAME, token, { ...options(c), maxAge: maxAgeS })

export const clearRefreshCookie = (c: Context) => deleteCookie(c, NAME, options(c))

export const readRefreshCookie = (c: Context) => {
  const o = options(c)
  return o.prefix ? getCookie(c, NAME, 'host') : getCookie(c, NAME)
}

// The OAuth state, bound to the browser that started the flow, so nobody can finish a flow of theirs in
// someone else's browser (login CSRF). Apple answers with a cross-site POST: that needs SameSite=None.
const STATE = 'ld_oauth'
const stateOptions = (c: Context): CookieOptions =>
  isSecure(c)
    ? { httpOnly: true, secure: true, sameSite: 'None', path: '/api/auth/oauth', maxAge: 600 }
    : { httpOnly: true, sameSite: 'Lax', path: '/api/auth/oauth', maxAge: 600 }

export const setOAuthStateCookie = (c: Context, state: string) =>
  setCookie(c, STATE, state, stateOptions(c))

/** The state this browser started with, spent on read. */
export function takeOAuthStateCookie(c: Context) {
  const state = getCookie(c, STATE)
  deleteCookie(c, STATE, stateOptions(c))
  return state
}
