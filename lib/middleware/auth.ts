import { createMiddleware } from 'hono/factory'
import type { AppEnv, User } from '../app'
import { ApiError } from '../errors'
import type { UserRole } from '../jwt'
import { named } from './named'

/** Requires a valid access token (RS256, verified locally against the JWKS) and optionally a role. */
export const requireUser = (opts: { roles?: UserRole[] } = {}) =>
  named(
    opts.roles ? `requireUser(${opts.roles.join('|')})` : 'requireUser',
    createMiddleware<AppEnv & { Variables: { user: User } }>(async function requireUser(c, next) {
      const verify = c.var.verifier
      if (!verify) throw new Error('requireUser needs deps.verifier')
      const token = c.req.header('authorization')?.match(/^Bearer (\S+)$/i)?.[1]
      if (!token) throw new ApiError('UNAUTHORIZED', 'Sign in to continue')
      const claims = await verify(token).catch((cause) => {
        throw new ApiError('UNAUTHORIZED', 'Your session has expired; sign in again', undefined, {
          cause,
        })
      })
      if (opts.roles && !opts.roles.includes(claims.role))
        throw new ApiError('FORBIDDEN', 'Not allowed')
      c.set('user', {
        id: claims.sub,
        role: claims.role,
        email: claims.email,
        name: claims.name,
        sessionId: claims.sid,
      })
      await next()
    }),
  )
