import type { Db } from '../../lib/db/db'
import { createApp, type RoleDeps } from '../../lib/app'
import type { Services } from '../../lib/services'

export type CreditDeps = RoleDeps<'credit'> & { db: Db; services: Services }

export default function createCreditApp(deps: CreditDeps) {
  return createApp('credit', deps)
}
