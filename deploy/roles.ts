import createAiApp from '../functions/ai/index'
import createAuthApp from '../functions/auth/index'
import createBackendApp from '../functions/backend/index'
import createCreditApp from '../functions/credit/index'
import createFrontendApp from '../functions/frontend/index'
import type { Role } from '../lib/config'

/** Role name → app factory: the Node server, the workerd entries and the tests all start here. */
export const ROLE_APPS = {
  frontend: createFrontendApp,
  backend: createBackendApp,
  auth: createAuthApp,
  credit: createCreditApp,
  ai: createAiApp,
} satisfies Record<Role, unknown>
