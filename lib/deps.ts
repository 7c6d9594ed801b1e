import type { Deps } from './app'
import type { Config, Role } from './config'
import { createStorage } from './s3'
import { createServices, type Fetcher } from './services'

/** The deps every runtime builds the same way from a role's config (the rest are runtime adapters). */
export function portableDeps(
  role: Role,
  config: Config,
  bindings?: Partial<Record<Role, Fetcher>>,
): Pick<Deps, 's3' | 'services'> {
  const deps: Pick<Deps, 's3' | 'services'> = {}
  if ('S3_ENDPOINT' in config)
    deps.s3 = createStorage({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      bucket: config.S3_BUCKET,
    })
  if ('SERVICE_SECRET' in config)
    deps.services = createServices({
      role,
      secret: config.SERVICE_SECRET,
      ttlS: config.SERVICE_TOKEN_TTL_S,
      urls: 'AUTH_URL' in config ? { auth: config.AUTH_URL, credit: config.CREDIT_URL, ai: config.AI_URL } : {},
      bindings,
    })
  return deps
}

/** The database role a service's work runs as. */
export const dbRoleOf = (role: Exclude<Role, 'frontend'>) => `lingudesk_${role}` as const
