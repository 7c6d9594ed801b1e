import type { AppEnv, RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import type { Verifier } from '../../lib/jwt'
import type { Services } from '../../lib/services'

export type CreditDeps = RoleDeps<'credit'> & { db: Db; services: Services; verifier: Verifier }
export type CreditEnv = AppEnv<CreditDeps>
