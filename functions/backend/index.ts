import type { Db } from '../../lib/db/db'
import type { Kv } from '../../lib/kv'
import { createApp, type RoleDeps } from '../../lib/app'
import type { Services } from '../../lib/services'
import status from './status'

export type BackendDeps = RoleDeps<'backend'> & { db: Db; kv: Kv; services: Services }

export default function createBackendApp(deps: BackendDeps) {
  return createApp('backend', deps)
    .get('/api/healthz', (c) => c.json({ status: 'ok', role: 'backend' }))
    .route('/api/status', status)
}
