import type { AppEnv, RoleDeps } from '../../lib/app'
import type { Fetcher } from '../../lib/services'

export type FrontendDeps = RoleDeps<'frontend'> & { assets: Fetcher }
export type FrontendEnv = AppEnv<FrontendDeps>
