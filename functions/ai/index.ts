import type { Db } from '../../lib/db/db'
import { createApp, type RoleDeps } from '../../lib/app'
import type { Storage } from '../../lib/s3'
import type { Services } from '../../lib/services'

export type AiDeps = RoleDeps<'ai'> & { db: Db; s3: Storage; services: Services }

export default function createAiApp(deps: AiDeps) {
  return createApp('ai', deps)
}
