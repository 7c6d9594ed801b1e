import type { Deps } from './app'
import type { Config, Role } from './config'
import { upstashKv } from './kv'
import { httpMailer } from './mail'
import { createStorage } from './s3'
import { serviceKeyVar, type ServiceRoleName } from './service-keys'
import { createServices, type Fetcher, type Send } from './services'

const URL_KEYS = { auth: 'AUTH_URL', credit: 'CREDIT_URL', ai: 'AI_URL' } as const

/** The other roles this role's config names. */
function urlsOf(config: Config): Partial<Record<Role, string>> {
  const values = config as Record<string, unknown>
  return Object.fromEntries(
    Object.entries(URL_KEYS)
      .filter(([, key]) => typeof values[key] === 'string')
      .map(([role, key]) => [role, values[key]]),
  )
}

/** The deps every runtime builds the same way from a role's config (the rest are runtime adapters). */
export function portableDeps(
  role: Role,
  config: Config,
  bindings?: Partial<Record<Role, Fetcher>>,
  send?: Send,
): Pick<Deps, 's3' | 'services' | 'kv' | 'mailer'> {
  const deps: Pick<Deps, 's3' | 'services' | 'kv' | 'mailer'> = {}
  if ('S3_ENDPOINT' in config)
    deps.s3 = createStorage({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      bucket: config.S3_BUCKET,
    })
  if ('SERVICE_PUBLIC_KEYS' in config)
    deps.services = createServices({
      role,
      signingKey: (config as Record<string, unknown>)[
        serviceKeyVar(role as ServiceRoleName)
      ] as string,
      publicKeys: config.SERVICE_PUBLIC_KEYS,
      ttlS: config.SERVICE_TOKEN_TTL_S,
      urls: urlsOf(config),
      bindings,
      send,
    })
  // The config requires the token with an https:// URL, and the key with a mail API.
  if ('REDIS_URL' in config && /^https?:/.test(config.REDIS_URL) && config.REDIS_TOKEN)
    deps.kv = upstashKv(config.REDIS_URL, config.REDIS_TOKEN)
  if ('MAIL_API_URL' in config && config.MAIL_API_URL && config.MAIL_API_KEY)
    deps.mailer = httpMailer({
      url: config.MAIL_API_URL,
      key: config.MAIL_API_KEY,
      from: config.MAIL_FROM,
    })
  return deps
}

/** The database role a service's work runs as. */
export const dbRoleOf = (role: Exclude<Role, 'frontend'>) => `lingudesk_${role}` as const
