import type { AppEnv, RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import type { Verifier } from '../../lib/jwt'
import type { Storage } from '../../lib/s3'
import type { Services } from '../../lib/services'
import type { Speaker } from '../../lib/ai/types'
import type { Plugins } from './plugins/index'

/** `speaker`: keyless speech for the offline plugin where the runtime has one (Node: SVOX Pico). */
export type AiDeps = RoleDeps<'ai'> & {
  db: Db
  s3: Storage
  services: Services
  verifier: Verifier
  plugins: Plugins
  speaker?: Speaker
}
export type AiEnv = AppEnv<AiDeps>
