import { z } from 'zod'

export const ROLES = ['frontend', 'backend', 'auth', 'credit', 'ai'] as const
export type Role = (typeof ROLES)[number]
export const ServiceRole = z.enum(ROLES)

const url = z.url({ protocol: /^https?$/ })
const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
// memory:// and file:// select the embedded local defaults explicitly, never by omission.
const redisUrl = z.string().regex(/^(rediss?|memory):\/\//, 'must be a redis:// or memory:// URL')
const smtpUrl = z.string().regex(/^(smtps?|file):\/\//, 'must be an smtp://, smtps:// or file:// URL')
const secret = z.string().min(32, 'must be at least 32 characters')

const Base = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535), // 0: any free port (tests)
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
})
const Internal = Base.extend({
  DATABASE_URL: pgUrl,
  /** Owner credentials: when set, the role applies pending migrations at start. */
  MIGRATION_DATABASE_URL: pgUrl.optional(),
  SERVICE_SECRET: secret,
  SERVICE_TOKEN_TTL_S: z.coerce.number().int().min(10).max(300).default(60),
})

const SCHEMAS = {
  frontend: Base.extend({ PORT: Base.shape.PORT.default(8080), BACKEND_URL: url.default('http://127.0.0.1:8081') }),
  backend: Internal.extend({
    PORT: Base.shape.PORT.default(8081),
    REDIS_URL: redisUrl,
    AUTH_URL: url.default('http://127.0.0.1:8082'),
    CREDIT_URL: url.default('http://127.0.0.1:8083'),
    AI_URL: url.default('http://127.0.0.1:8084'),
  }),
  auth: Internal.extend({
    PORT: Base.shape.PORT.default(8082),
    SMTP_URL: smtpUrl,
    MAIL_FROM: z.string().min(3).default('Lingudesk <no-reply@lingudesk.com>'),
  }),
  credit: Internal.extend({ PORT: Base.shape.PORT.default(8083) }),
  ai: Internal.extend({
    PORT: Base.shape.PORT.default(8084),
    S3_ENDPOINT: url,
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1),
    S3_SECRET_ACCESS_KEY: z.string().min(1),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/).default('ai-media'),
  }),
} satisfies Record<Role, z.ZodObject>

export type ConfigOf<R extends Role> = z.infer<(typeof SCHEMAS)[R]>
export type Config = ConfigOf<Role>
export type Env = Record<string, string | undefined>

export class ConfigError extends Error {}

/** Parses a role's configuration; the error names every bad key, never a value. */
export function loadConfig<R extends Role>(role: R, env: Env): ConfigOf<R> {
  const parsed = SCHEMAS[role].safeParse(env)
  if (parsed.success) return parsed.data as ConfigOf<R>
  const keys = parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`)
  throw new ConfigError(`Invalid configuration for role ${role}: ${keys.join('; ')}`)
}
