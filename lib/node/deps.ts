import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Deps, RoleDeps } from '../app'
import { type Env, loadConfig, type Role } from '../config'
import type { Kv } from '../kv'
import { createLogger } from '../log'
import { createStorage } from '../s3'
import { createServices } from '../services'
import { createPgDb } from './db'
import { createKv } from './kv'
import { createMailer } from './mail'

/** A role's dependencies on Node, from its environment. `kv` lets roles in one process share a store. */
export function nodeDeps<R extends Role>(role: R, env: Env, shared: { kv?: Kv } = {}): RoleDeps<R> {
  const config = loadConfig(role, env)
  const log = createLogger(role, config.LOG_LEVEL)
  const deps: Deps = {
    config,
    log,
    peerAddress: (c: Context) => getConnInfo(c).remote.address,
  }
  if ('DATABASE_URL' in config) deps.db = createPgDb(config.DATABASE_URL, `lingudesk_${role as Exclude<Role, 'frontend'>}`)
  if ('REDIS_URL' in config)
    deps.kv = shared.kv ?? createKv(config.REDIS_URL.startsWith('memory:') ? undefined : config.REDIS_URL, log)
  if ('SMTP_URL' in config) deps.mailer = createMailer(config.SMTP_URL, config.MAIL_FROM, log)
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
    })
  return deps as RoleDeps<R>
}
