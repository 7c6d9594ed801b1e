import createAiApp from '../functions/ai/index'
import createAuthApp from '../functions/auth/index'
import createBackendApp from '../functions/backend/index'
import createCreditApp from '../functions/credit/index'
import createFrontendApp from '../functions/frontend/index'
import type { Deps } from '../lib/app'
import type { Role } from '../lib/config'
import type { Fetcher } from '../lib/services'

/** Role name → app factory: the Node server, the workerd entries and the tests all start here. */
export const ROLE_APPS = {
  frontend: createFrontendApp,
  backend: createBackendApp,
  auth: createAuthApp,
  credit: createCreditApp,
  ai: createAiApp,
} satisfies Record<Role, unknown>

/** Builds a role's app; each factory's parameter type says which deps it needs. */
export function createRoleApp(role: Role, deps: Deps & { assets?: Fetcher }) {
  return (ROLE_APPS[role] as (d: typeof deps) => ReturnType<typeof createAuthApp>)(deps)
}
