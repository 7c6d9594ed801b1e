import { z } from 'zod'
import { PLUGIN_IDS } from './ai/types'
import { CARD_TEXT_MAX } from './content/limits'
import { MIN_HOLD_TTL_S } from './credit/paid'
import { parsePublicKeys, SERVICE_ROLES, type ServiceRoleName } from './service-keys'

export const ROLES = ['frontend', 'backend', 'auth', 'credit', 'ai'] as const
export type Role = (typeof ROLES)[number]
export const ServiceRole = z.enum(ROLES)

const url = z.url({ protocol: /^https?$/ })
// A password with `/`, `@` or `:` pasted raw breaks a URL: such passwords go in the *_PASSWORD variables.
const parsable = (s: string) => URL.canParse(s)
const PARSE_HINT = 'is not a valid URL (put the password in its own *_PASSWORD variable)'
const pgUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
  .refine(parsable, PARSE_HINT)
const password = z.string().min(1).optional()
// memory:// and file:// select the embedded local defaults explicitly, never by omission.
// https:// is Redis over Upstash's REST API (with REDIS_TOKEN): what workerd, which has no TCP Redis client, uses.
const redisUrl = z
  .string()
  .regex(
    /^(rediss?|memory|https?):\/\//,
    'must be a redis://, memory:// or https:// (Upstash REST) URL',
  )
  .refine(parsable, PARSE_HINT)
/** Every internal role's public service key(s): `role:key,…` (see lib/service-keys.ts). */
const publicKeys = z.string().transform((s, ctx) => {
  const keys = parsePublicKeys(s)
  if (typeof keys === 'string') ctx.addIssue({ code: 'custom', message: keys })
  else
    for (const role of SERVICE_ROLES)
      if (!keys.has(role)) ctx.addIssue({ code: 'custom', message: `has no key for ${role}` })
  return keys as Map<ServiceRoleName, string[]>
})
/** A role's own private service key: Ed25519, PKCS#8, base64url. */
const serviceKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{64}$/, 'must be an Ed25519 PKCS#8 key, base64url')
const redis = {
  REDIS_URL: redisUrl,
  /** Any characters; it replaces the one in REDIS_URL. */
  REDIS_PASSWORD: password,
  REDIS_TOKEN: z.string().min(1).optional(),
}
const redisToken: [
  (c: { REDIS_URL: string; REDIS_TOKEN?: string }) => boolean,
  { path: string[]; message: string },
] = [
  (c) => !/^https?:/.test(c.REDIS_URL) || !!c.REDIS_TOKEN,
  { path: ['REDIS_TOKEN'], message: 'is required with an https:// REDIS_URL' },
]
const smtpUrl = z
  .string()
  .regex(/^(smtps?|file):\/\//, 'must be an smtp://, smtps:// or file:// URL')

const Base = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535), // 0: any free port (tests)
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
  /** The largest Anki package a learner may import (streamed: refused as soon as it passes this). */
  ANKI_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2_000_000_000).default(200_000_000),
  /** Deeper JSON bodies get 400 before any route runs (Paddle's events, the deepest taken, nest about 6). */
  JSON_MAX_DEPTH: z.coerce.number().int().min(4).max(256).default(32),
})
const Internal = Base.extend({
  DATABASE_URL: pgUrl,
  /** The login's password, any characters; it replaces the one in DATABASE_URL. */
  DATABASE_PASSWORD: password,
  /** Owner credentials: when set, the role applies pending migrations at start. */
  MIGRATION_DATABASE_URL: pgUrl.optional(),
  MIGRATION_DATABASE_PASSWORD: password,
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  SERVICE_PUBLIC_KEYS: publicKeys,
  SERVICE_TOKEN_TTL_S: z.coerce.number().int().min(10).max(300).default(60),
  JWT_ISSUER: z.string().min(1).default('lingudesk-auth'),
  JWT_AUDIENCE: z.string().min(1).default('lingudesk'),
  /** Verified access tokens kept per process until their exp: every role given the user's token checks it. */
  JWT_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
})
/** Origins allowed to call the API from a browser (CORS, and the refresh Origin check). */
const origins = z
  .string()
  .default('http://127.0.0.1:8080,http://localhost:8080')
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url()).min(1))
// "limit/window seconds", e.g. 50/60
const rateLimit = (fallback: string) =>
  z
    .string()
    .regex(/^\d+\/\d+$/, 'must be limit/seconds, e.g. 50/60')
    .default(fallback)
    .transform((s) => {
      const [limit, windowS] = s.split('/').map(Number)
      return { limit, windowS }
    })
    .refine((r) => r.limit >= 1 && r.windowS >= 1, 'limit and window must be ≥ 1')
const micros = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
/** "price id:value,price id:value" → Map; `parse` checks each value. */
const priceMap = <V>(parse: (v: string) => V | undefined, what: string) =>
  z
    .string()
    .default('')
    .transform((s, ctx) => {
      const map = new Map<string, V>()
      for (const pair of s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [price, raw] = pair.split(':')
        const value = raw === undefined ? undefined : parse(raw)
        if (!price || value === undefined)
          ctx.addIssue({ code: 'custom', message: `each entry must be price:${what}` })
        else map.set(price, value)
      }
      return map
    })
/** Per AI plugin P: P_API_KEY, P_BASE_URL, P_CONCURRENCY, P_QUEUE, P_TIMEOUT_MS, P_RPM. */
function pluginFields(ids: readonly string[]) {
  const fields: Record<string, z.ZodType> = {}
  for (const id of ids.map((i) => i.toUpperCase())) {
    fields[`${id}_API_KEY`] = z.string().min(1).optional()
    fields[`${id}_BASE_URL`] = url.optional()
    fields[`${id}_CONCURRENCY`] = z.coerce.number().int().min(1).max(256).default(4)
    fields[`${id}_QUEUE`] = z.coerce.number().int().min(0).max(10_000).default(16)
    fields[`${id}_TIMEOUT_MS`] = z.coerce.number().int().min(100).max(300_000).default(30_000)
    fields[`${id}_RPM`] = z.coerce.number().int().min(1).max(100_000).default(600)
  }
  return fields
}
const b64Key = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url')
const days = (n: number) => n * 86_400

const SCHEMAS = {
  frontend: Base.extend({
    PORT: Base.shape.PORT.default(8080),
    BACKEND_URL: url.default('http://127.0.0.1:8081'),
    /** A request body of which nothing arrives for this long is a stalled upload: 408, the backend's request ended. */
    BODY_IDLE_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(30),
    ALLOWED_ORIGINS: origins,
    /** PEM files: when set, PORT serves HTTPS (TLS 1.2+), reloaded when the files change. */
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    /** A plain-HTTP port that only redirects to HTTPS (with TLS on). */
    HTTP_REDIRECT_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** The HTTPS port browsers reach (redirects name it unless it is 443). */
    PUBLIC_HTTPS_PORT: z.coerce.number().int().min(1).max(65535).default(443),
  })
    .refine((c) => !c.TLS_CERT_FILE === !c.TLS_KEY_FILE, {
      path: ['TLS_KEY_FILE'],
      message: 'TLS_CERT_FILE and TLS_KEY_FILE go together',
    })
    .refine((c) => c.HTTP_REDIRECT_PORT === undefined || c.TLS_CERT_FILE, {
      path: ['HTTP_REDIRECT_PORT'],
      message: 'needs TLS_CERT_FILE',
    }),
  backend: Internal.extend({
    PORT: Base.shape.PORT.default(8081),
    SERVICE_KEY_BACKEND: serviceKey,
    ...redis,
    ALLOWED_ORIGINS: origins,
    /** `auto`: Secure + __Host- cookie when the request came over HTTPS (X-Forwarded-Proto from the edge). */
    COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
    // Study is a call per card plus its image and sound: a quick learner makes 60–90 a minute.
    RATE_LIMIT_STANDARD: rateLimit('150/60'),
    RATE_LIMIT_AI: rateLimit('10/60'),
    RATE_LIMIT_PUBLIC: rateLimit('20/60'),
    // A person's page is four calls and every action reloads it: admins at work need more than learners.
    RATE_LIMIT_ADMIN: rateLimit('300/60'),
    RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(5000).default(1000),
    CONTENT_MAX_CARDS_PER_DECK: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
    CONTENT_MAX_DECKS: z.coerce.number().int().min(1).max(10_000).default(1000),
    CONTENT_MAX_BULK: z.coerce.number().int().min(1).max(10_000).default(1000),
    CONTENT_MAX_FRONT_CHARS: z.coerce
      .number()
      .int()
      .min(1)
      .max(CARD_TEXT_MAX.front)
      .default(CARD_TEXT_MAX.front),
    CONTENT_MAX_BACK_CHARS: z.coerce
      .number()
      .int()
      .min(1)
      .max(CARD_TEXT_MAX.back)
      .default(CARD_TEXT_MAX.back),
    CONTENT_MAX_NOTES_CHARS: z.coerce
      .number()
      .int()
      .min(1)
      .max(CARD_TEXT_MAX.notes)
      .default(CARD_TEXT_MAX.notes),
    CONTENT_MAX_TAGS_PER_CARD: z.coerce.number().int().min(0).max(200).default(20),
    /** Every instance looks this often for learners due an FSRS refit (Node only), and fits at most a batch. */
    FSRS_REFIT_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(300),
    FSRS_REFIT_BATCH: z.coerce.number().int().min(1).max(100).default(4),
    /** Anki imports (dry runs and jobs) one backend process runs at once; one per learner in any case. */
    ANKI_IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
    AUTH_URL: url.default('http://127.0.0.1:8082'),
    CREDIT_URL: url.default('http://127.0.0.1:8083'),
    AI_URL: url.default('http://127.0.0.1:8084'),
  }).refine(...redisToken),
  auth: Internal.extend({
    PORT: Base.shape.PORT.default(8082),
    SERVICE_KEY_AUTH: serviceKey,
    /** Auth writes the deny-list of revoked sessions that the gateway reads. */
    ...redis,
    NODE_ENV: z.string().default('development'),
    SMTP_URL: smtpUrl,
    /** An HTTP mail API (Resend's request format) used instead of SMTP when set: workerd has no SMTP client. */
    MAIL_API_URL: url.optional(),
    MAIL_API_KEY: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).default('Lingudesk <no-reply@lingudesk.com>'),
    APP_URL: url.default('http://127.0.0.1:8080'),
    /** Comma-separated addresses that become admins once verified: how a deployment gets its first admin. */
    ADMIN_EMAILS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((e) => e.trim().toLowerCase())
          .filter(Boolean),
      ),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(900).max(1800).default(900),
    REFRESH_TOKEN_TTL_S: z.coerce.number().int().min(3600).max(days(30)).default(days(7)),
    SESSION_MAX_AGE_S: z.coerce.number().int().min(3600).max(days(365)).default(days(90)),
    REFRESH_GRACE_S: z.coerce.number().int().min(0).max(120).default(30),
    KEY_ENCRYPTION_KEY: b64Key,
    KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    KEY_PUBLISH_LEAD_S: z.coerce.number().int().min(0).max(86_400).default(600),
    // OAuth: a provider is offered when its client id is set; URLs default to the real providers.
    GOOGLE_CLIENT_ID: z.string().min(1).optional(),
    GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
    GOOGLE_ISSUER: z.string().default('https://accounts.google.com'),
    GOOGLE_AUTH_URL: url.default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_TOKEN_URL: url.default('https://oauth2.googleapis.com/token'),
    GOOGLE_JWKS_URL: url.default('https://www.googleapis.com/oauth2/v3/certs'),
    APPLE_CLIENT_ID: z.string().min(1).optional(),
    APPLE_TEAM_ID: z.string().min(1).optional(),
    APPLE_KEY_ID: z.string().min(1).optional(),
    APPLE_PRIVATE_KEY: z
      .string()
      .includes('PRIVATE KEY', { message: 'must be a PKCS#8 PEM' })
      .optional(),
    APPLE_ISSUER: z.string().default('https://appleid.apple.com'),
    APPLE_AUTH_URL: url.default('https://appleid.apple.com/auth/authorize'),
    APPLE_TOKEN_URL: url.default('https://appleid.apple.com/auth/token'),
    APPLE_JWKS_URL: url.default('https://appleid.apple.com/auth/keys'),
  })
    .refine((c) => c.BCRYPT_COST >= 10 || c.NODE_ENV !== 'production', {
      path: ['BCRYPT_COST'],
      message: 'must be at least 10 in production',
    })
    .refine(...redisToken)
    .refine((c) => !c.MAIL_API_URL || c.MAIL_API_KEY, {
      path: ['MAIL_API_KEY'],
      message: 'is required with MAIL_API_URL',
    })
    .refine((c) => !c.GOOGLE_CLIENT_ID || c.GOOGLE_CLIENT_SECRET, {
      path: ['GOOGLE_CLIENT_SECRET'],
      message: 'is required with GOOGLE_CLIENT_ID',
    })
    .refine(
      (c) => !c.APPLE_CLIENT_ID || (c.APPLE_TEAM_ID && c.APPLE_KEY_ID && c.APPLE_PRIVATE_KEY),
      {
        path: ['APPLE_CLIENT_ID'],
        message: 'needs APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY',
      },
    ),
  credit: Internal.extend({
    PORT: Base.shape.PORT.default(8083),
    SERVICE_KEY_CREDIT: serviceKey,
    AUTH_URL: url.default('http://127.0.0.1:8082'),
    /** Usage is written to the ledger in whole multiples of this (µ€); the rest waits as pending. */
    MICRO_FLUSH_THRESHOLD: micros.min(1).default(10_000),
    /** An unsettled hold expires after this: longer than the slowest paid call can take, or it would expire calls still running. */
    HOLD_TTL_S: z.coerce
      .number()
      .int()
      .max(3600)
      .default(120)
      .refine(
        (s) => s > MIN_HOLD_TTL_S,
        `must be longer than the slowest paid call, its settle retries and a margin (${MIN_HOLD_TTL_S} s)`,
      ),
    HOLD_SWEEP_INTERVAL_S: z.coerce.number().int().min(1).max(60).default(5),
    /** A paid call's stored answer is kept this long for retries with its Idempotency-Key (at least 24 h). */
    IDEMPOTENCY_KEEP_S: z.coerce.number().int().min(86_400).max(days(30)).default(86_400),
    GRANT_FREE: micros.default(500_000),
    GRANT_PLUS: micros.default(5_000_000),
    GRANT_PREMIUM: micros.default(20_000_000),
    GRANT_EXPIRES: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Destination secrets, comma-separated: more than one while a secret is being rotated. */
    PADDLE_WEBHOOK_SECRETS: z
      .string()
      .optional()
      .transform((s) =>
        s
          ? s
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : [],
      ),
    PADDLE_CLIENT_TOKEN: z.string().optional(),
    PADDLE_ENVIRONMENT: z.enum(['sandbox', 'production']).default('sandbox'),
    /** price id:plan, e.g. pri_01plus:plus,pri_01prem:premium */
    PADDLE_PLAN_PRICES: priceMap(
      (v) => (v === 'plus' || v === 'premium' ? v : undefined),
      'plus|premium',
    ),
    /** price id:micro-euros credited, e.g. pri_01top5:5000000 */
    PADDLE_TOPUP_PRICES: priceMap(
      (v) => (/^[1-9]\d{0,14}$/.test(v) ? Number(v) : undefined),
      'micro-euros',
    ),
  }),
  ai: Internal.extend({
    PORT: Base.shape.PORT.default(8084),
    SERVICE_KEY_AI: serviceKey,
    AUTH_URL: url.default('http://127.0.0.1:8082'),
    /** What a cache hit costs, as a fraction of the original call (0 = free). */
    AI_CACHE_HIT_FRACTION: z.coerce.number().min(0).max(1).default(0),
    ...pluginFields(PLUGIN_IDS),
    S3_ENDPOINT: url,
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1),
    S3_SECRET_ACCESS_KEY: z.string().min(1),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
      .default('ai-media'),
  }),
} satisfies Record<Role, z.ZodObject>

export type ConfigOf<R extends Role> = z.infer<(typeof SCHEMAS)[R]>
export type Config = ConfigOf<Role>
export type Env = Record<string, string | undefined>

export class ConfigError extends Error {}

/** Parses a role's configuration; the error names every bad key, never a value. */
export function loadConfig<R extends Role>(role: R, env: Env): ConfigOf<R> {
  // `KEY=` (an env file's or compose's empty default) means unset, as it does to people writing env files.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = SCHEMAS[role].safeParse(set)
  if (parsed.success) return parsed.data as ConfigOf<R>
  const keys = parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`)
  throw new ConfigError(`Invalid configuration for role ${role}: ${keys.join('; ')}`)
}

/** Every variable a role reads (deployment files are checked against it). */
export const configKeys = (role: Role) => Object.keys(SCHEMAS[role].shape)
