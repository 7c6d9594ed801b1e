import type { AppEnv, RoleDeps } from '../../lib/app'
import type { AuthKit } from '../../lib/auth/kit'
import type { Db } from '../../lib/db/db'
import type { Kv } from '../../lib/kv'
import type { Verifier } from '../../lib/jwt'
import type { Mailer } from '../../lib/mail'
import type { Services } from '../../lib/services'

export type AuthDeps = RoleDeps<'auth'> & {
  db: Db
  kv: Kv
  mailer: Mailer
  services: Services
  kit: AuthKit
  verifier: Verifier
}
export type AuthEnv = AppEnv<AuthDeps>
