import { randomBytes } from 'node:crypto'
import createAuthApp from '../functions/auth/index'
import { importPKCS8, SignJWT } from 'jose'
import { createCipher } from '../lib/crypto'
import { nodeDeps } from '../lib/node/deps'
import { serviceKeyEnv } from '../lib/service-keys'
import { servicesAs } from './service-identity'
import { startSmtpCapture } from './smtp-capture'
import { testDatabase } from './testing'
import { must } from './must'

type CallOptions = {
  body?: unknown
  token?: string
  device?: string
  headers?: Record<string, string>
  service?: boolean
}

let seq = 0
/**
 * The auth role wired to a database of its own, real SMTP capture and a clock the test can move; requests
 * carry the backend's service token, as in production.
 */
export async function authHarness(env: Record<string, string> = {}) {
  const db = await testDatabase()
  const smtp = await startSmtpCapture()
  let offset = 0
  const now = () => Date.now() + offset
  const keys = await serviceKeyEnv()
  const kek = randomBytes(32).toString('base64url')
  const deps = nodeDeps('auth', {
    DATABASE_URL: db.url,
    ...keys,
    SMTP_URL: smtp.url,
    REDIS_URL: process.env.REDIS_URL ?? 'memory://test',
    KEY_ENCRYPTION_KEY: kek,
    BCRYPT_COST: '4', // tests only: production refuses < 10
    LOG_LEVEL: 'error',
    ...env,
  })
  const app = createAuthApp({ ...deps, now } as Parameters<typeof createAuthApp>[0])
  const backend = servicesAs('backend', keys, {}, 300)
  const device = `device-${randomBytes(8).toString('hex')}`

  async function call(method: string, path: string, o: CallOptions = {}) {
    const headers: Record<string, string> = {
      'x-device-id': o.device ?? device,
      'x-forwarded-for': '203.0.113.7',
      ...o.headers,
    }
    if (o.service !== false) headers['x-service-token'] = await backend.tokenFor('auth')
    if (o.token) headers.authorization = `Bearer ${o.token}`
    if (o.body !== undefined) headers['content-type'] = 'application/json'
    const res = await app.request(path, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    })
    const text = await res.text()
    const body = !text
      ? null
      : res.headers.get('content-type')?.includes('json')
        ? JSON.parse(text)
        : text
    return { status: res.status, headers: res.headers, body }
  }

  const h = {
    app,
    db,
    smtp,
    device,
    call,
    now,
    advance: (ms: number) => void (offset += ms),
    /** A service token for auth as another role signs it. */
    tokenFrom: (role: 'credit' | 'ai') => servicesAs(role, keys, {}, 300).tokenFor('auth'),
    email: () => `learner${++seq}.${randomBytes(4).toString('hex')}@example.com`,
    async register(o: { email?: string; password?: string; name?: string } = {}) {
      const email = o.email ?? h.email()
      const password = o.password ?? `long and personal ${randomBytes(3).toString('hex')}`
      const started = await call('POST', '/auth/register', {
        body: { email, password, name: o.name ?? 'Ada' },
      })
      if (started.status !== 202)
        throw new Error(`register failed: ${JSON.stringify(started.body)}`)
      const code = await h.code(email.toLowerCase(), /verification code/)
      const res = await call('POST', '/auth/register/verify', {
        body: { challenge: started.body.challenge, code },
      })
      if (res.status !== 201) throw new Error(`register/verify failed: ${JSON.stringify(res.body)}`)
      return { email, password, ...res.body }
    },
    login: (email: string, password: string, device?: string) =>
      call('POST', '/auth/login', { body: { email, password }, device }),
    async code(email: string, subject: RegExp) {
      const mail = await smtp.latest(email, subject)
      return must(mail.subject.match(/(\d{6})/))[1]
    },
    /** Signs arbitrary header and claims with the current signing key, as an attacker who had it could. */
    async forge(header: Record<string, unknown>, claims: Record<string, unknown>) {
      const [row] = await db.owner.query<{ kid: string; private_key_enc: string }>(
        `select kid, private_key_enc from auth.signing_keys where activates_at <= $1 order by activates_at desc limit 1`,
        [new Date(now())],
      )
      const key = await importPKCS8(await createCipher(kek).decrypt(row.private_key_enc), 'RS256')
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: row.kid, ...header })
        .sign(key)
    },
    async admin() {
      const u = await h.register()
      await db.owner.query(`update public.users set admin = true where id = $1`, [u.user.id])
      const challenge = await h.login(u.email, u.password)
      const code = await h.code(u.email, /sign-in code/)
      const res = await call('POST', '/auth/login/verify', {
        body: { challenge: challenge.body.challenge, code },
      })
      return { ...u, ...res.body }
    },
    audit: (userId: string) =>
      db.owner.query<{ action: string; outcome: string; ip: string }>(
        `select action, outcome, ip from audit.events where subject_id = $1 order by at, action`,
        [userId],
      ),
    close: async () => {
      await deps.db?.close()
      await smtp.close()
      await db.close()
    },
  }
  return h
}
export type AuthHarness = Awaited<ReturnType<typeof authHarness>>
