import type { Db } from '../../lib/db/db'
import { createApp, type RoleDeps } from '../../lib/app'
import type { Mailer } from '../../lib/mail'
import type { Services } from '../../lib/services'

export type AuthDeps = RoleDeps<'auth'> & { db: Db; mailer: Mailer; services: Services }

export default function createAuthApp(deps: AuthDeps) {
  return createApp('auth', deps)
}
