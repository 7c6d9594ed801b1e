import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app'
import type { Role } from '../config'
import { ApiError } from '../errors'
import { named } from './named'

/**
 * Internal routes: a service token for this role, signed by the key of the role it names, from one of the
 * callers the route lists (403 for any other); a user token alone never passes.
 */
export const requireService = (opts: { from: Role[] }) =>
  named(
    `requireService(${opts.from.join('|')})`,
    createMiddleware<AppEnv>(async function requireService(c, next) {
      const services = c.var.services
      if (!services) throw new Error('requireService needs deps.services')
      const token = c.req.header(services.header)
      if (!token) throw new ApiError('UNAUTHORIZED', 'Service token required')
      const caller = await services.verify(token).catch((cause) => {
        throw new ApiError('UNAUTHORIZED', 'Invalid service token', undefined, { cause })
      })
      if (!opts.from.includes(caller))
        throw new ApiError('FORBIDDEN', 'Not allowed for this service')
      c.set('caller', caller)
      await next()
    }),
  )
