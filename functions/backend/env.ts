import type { AppEnv, RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import type { Verifier } from '../../lib/jwt'
import type { Kv } from '../../lib/kv'
import type { Services } from '../../lib/services'

export type BackendDeps = RoleDeps<'backend'> & {
  db: Db
  kv: Kv
  services: Services
  verifier: Verifier
}
export type BackendEnv = AppEnv<BackendDeps>
