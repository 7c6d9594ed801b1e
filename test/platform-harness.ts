import { randomBytes } from 'node:crypto'
import { ROLE_APPS } from '../deploy/roles'
import { type RoleServer, startRole } from '../deploy/serve'
import type { Role } from '../lib/config'
import { serviceKeyEnv } from '../lib/service-keys'
import { createKv } from '../lib/node/kv'
import { MIGRATIONS_DIR } from '../lib/node/migrations'
import { startS3 } from './s3-server'
import { servicesAs } from './service-identity'
import { startSmtpCapture } from './smtp-capture'
import { type RoleProcess, spawnRole } from './spawn-role'
import { type TestDatabase, testDatabase } from './testing'
import { must } from './must'

const ORIGIN = 'http://127.0.0.1:8080'

export { startS3 }

/**
 * Real roles over HTTP on free ports, sharing a database of their own and (when set) the real Redis:
 * auth and one or more backends. `browser()` makes a client that behaves like the SPA behind the edge.
 */
export async function platformHarness(
  o: {
    redisUrl?: string
    backendEnv?: Record<string, string>
    authEnv?: Record<string, string>
    creditEnv?: Record<string, string>
    /** Start the AI role too (with an s3rver of its own), with this env. */
    aiEnv?: Record<string, string>
    /** A database made by the caller (closed with the harness). */
    database?: TestDatabase
    /** Run the roles as separate Node processes (their logs collected) instead of servers in this one. */
    processes?: boolean
  } = {},
) {
  const db = o.database ?? (await testDatabase())
  const smtp = await startSmtpCapture()
  const common: Record<string, string> = {
    DATABASE_URL: db.url,
    ...(await serviceKeyEnv()),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    PORT: '0',
  }
  const servers: RoleServer[] = []
  // Auth writes the session deny-list that the backend reads: an in-memory store must be one for both.
  const redisUrl = o.redisUrl ?? process.env.REDIS_URL ?? 'memory://test'
  const memoryKv = redisUrl.startsWith('memory:') ? createKv() : undefined
  const processes: Partial<Record<Role, RoleProcess>> = {}
  const envOf: Partial<Record<Role, Record<string, string>>> = {}
  const start = async (role: Role, env: Record<string, string>) => {
    envOf[role] = env
    const s = o.processes
      ? (processes[role] = await spawnRole(role, { ...common, ...env }))
      : await startRole(role, ROLE_APPS[role], {
          env: { ...common, ...env },
          migrationsDir: MIGRATIONS_DIR,
          assetsDir: '/none',
          kv: memoryKv,
        })
    servers.push(s)
    return s
  }
  const auth = await start('auth', {
    REDIS_URL: redisUrl,
    SMTP_URL: smtp.url,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    BCRYPT_COST: '4',
    ...o.authEnv,
  })
  const credit = await start('credit', { AUTH_URL: auth.url, ...o.creditEnv })
  const s3 = o.aiEnv ? await startS3() : undefined
  const ai =
    o.aiEnv && s3 ? await start('ai', { AUTH_URL: auth.url, ...s3.env, ...o.aiEnv }) : undefined
  const backendEnv = (extra: Record<string, string> = {}) => ({
    REDIS_URL: redisUrl,
    AUTH_URL: auth.url,
    CREDIT_URL: credit.url,
    AI_URL: ai?.url ?? 'http://127.0.0.1:9',
    ALLOWED_ORIGINS: ORIGIN,
    ...o.backendEnv,
    ...extra,
  })
  const backend = await start('backend', backendEnv())

  /** A browser session as the edge forwards it: its own client address and device id, a cookie jar. */
  function browser(
    base = backend.url,
    ip = `198.51.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`,
  ) {
    const jar = new Map<string, string>()
    const device = `device-${randomBytes(8).toString('hex')}`
    let token: string | undefined
    const b = {
      ip,
      jar,
      get token() {
        return token
      },
      async call(
        method: string,
        path: string,
        x: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
      ) {
        const headers: Record<string, string> = {
          'x-device-id': device,
          'x-forwarded-for': ip,
          origin: ORIGIN,
          ...x.headers,
        }
        if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
        if (token && x.auth !== false) headers.authorization = `Bearer ${token}`
        if (x.body !== undefined) headers['content-type'] = 'application/json'
        const res = await fetch(base + path, {
          method,
          headers,
          redirect: 'manual',
          body: x.body === undefined ? undefined : JSON.stringify(x.body),
        })
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';')
          const [k, v] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
          if (/max-age=0/i.test(c) || v === '') jar.delete(k)
          else jar.set(k, v)
        }
        const text = await res.text()
        const body = !text
          ? null
          : res.headers.get('content-type')?.includes('json')
            ? JSON.parse(text)
            : text
        if (body?.accessToken) token = body.accessToken
        return {
          status: res.status,
          headers: res.headers,
          body,
          setCookie: res.headers.getSetCookie(),
        }
      },
      async register() {
        const email = `gw.${randomBytes(5).toString('hex')}@example.com`
        const password = `gateway passphrase ${randomBytes(3).toString('hex')}`
        const started = await b.call('POST', '/api/auth/register', {
          body: { email, password, name: 'Gia' },
        })
        if (started.status !== 202) throw new Error(`register: ${JSON.stringify(started.body)}`)
        const code = must(
          (await smtp.latest(email, /verification code/)).subject.match(/(\d{6})/),
        )[1]
        const res = await b.call('POST', '/api/auth/register/verify', {
          body: { challenge: started.body.challenge, code },
        })
        if (res.status !== 201) throw new Error(`register/verify: ${JSON.stringify(res.body)}`)
        return { email, password, res }
      },
    }
    return b
  }

  /** A browser signed in as an admin: the role set in the database, the second factor from the captured mail. */
  async function admin() {
    const b = browser()
    const { email, password, res } = await b.register()
    await db.owner.query(`update public.users set admin = true where id = $1`, [res.body.user.id])
    const { body } = await b.call('POST', '/api/auth/login', { body: { email, password } })
    const code = must((await smtp.latest(email, /sign-in code/)).subject.match(/(\d{6})/))[1]
    await b.call('POST', '/api/auth/login/verify', { body: { challenge: body.challenge, code } })
    return Object.assign(b, { email, password, userId: res.body.user.id as string })
  }

  // Calls as the backend makes them, with its service token.
  const asBackend = servicesAs('backend', common, {
    auth: auth.url,
    credit: credit.url,
    ai: ai?.url,
  })
  async function service(
    role: 'auth' | 'credit' | 'ai',
    path: string,
    x: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const res = await asBackend.call(role, path, x)
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

  return {
    db,
    smtp,
    auth,
    credit,
    ai,
    backend,
    browser,
    admin,
    service,
    env: common,
    s3: s3?.env,
    processes,
    serviceToken: (role: 'ai' | 'auth' | 'credit') => asBackend.tokenFor(role),
    /** With `processes`: starts a role again on its port after it was killed. */
    restart: async (role: Role) => {
      const port = new URL(must(processes[role]).url).port
      const s = (processes[role] = await spawnRole(role, { ...common, ...envOf[role], PORT: port }))
      servers.push(s)
      return s
    },
    /** Another backend instance on the same database and Redis. */
    startBackend: (extra?: Record<string, string>) => start('backend', backendEnv(extra)),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()))
      await smtp.close()
      await s3?.stop()
      await db.close()
      await memoryKv?.close()
    },
  }
}
export type PlatformHarness = Awaited<ReturnType<typeof platformHarness>>
