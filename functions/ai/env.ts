import type { AppEnv, RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import type { Verifier } from '../../lib/jwt'
import type { Storage } from '../../lib/s3'
import type { Services } from '../../lib/services'
import type { Plugins } from './plugins/index'

export type AiDeps = RoleDeps<'ai'> & { db: Db; s3: Storage; services: Services; verifier: Verifier; plugins: Plugins }
export type AiEnv = AppEnv<AiDeps>
