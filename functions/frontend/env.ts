import type { AppEnv, RoleDeps } from '../../lib/app'
import type { Fetcher } from '../../lib/services'
import type { Upstream } from '../../lib/upstream'

export type FrontendDeps = RoleDeps<'frontend'> & { assets: Fetcher; backend: Upstream }
export type FrontendEnv = AppEnv<FrontendDeps>
