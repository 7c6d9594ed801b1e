import createAiApp from '../functions/ai/index'
import createAuthApp from '../functions/auth/index'
import createBackendApp from '../functions/backend/index'
import createCreditApp from '../functions/credit/index'
import createFrontendApp from '../functions/frontend/index'
import type { Hono } from 'hono'
import type { Deps } from '../lib/app'
import type { Role } from '../lib/config'

/** Role name → app factory: the Node server, the workerd entries and the tests all start here. */
export const ROLE_APPS = {
  frontend: createFrontendApp,
  backend: createBackendApp,
  auth: createAuthApp,
  credit: createCreditApp,
  ai: createAiApp,
} satisfies Record<Role, unknown>

/** What the servers and tests use of a role's app. */
export type RoleApp = Pick<Hono, 'fetch' | 'routes' | 'request'>
// Each factory takes its role's own deps, which the servers build from the role's config; a method's parameter
// is checked both ways, so every factory fits this one type.
export type RoleFactory = { create(deps: Deps): RoleApp }['create']
/** Work a role does on a timer (in workerd, on its cron trigger), with the same deps. */
export type RoleTask = { run(deps: Deps): Promise<void> }['run']
