// The public API as production runs it, for benchmarks: auth, credit, AI (on s3rver, offline plugin) and the
// backend, each its own process, on a database of the benchmark's own; sign-up codes are mailed to files.
import { randomBytes } from 'node:crypto'
import { serviceKeyEnv } from '../lib/service-keys'
import { type RoleProcess, startRoleProcess } from '../test/role-process'
import { startS3 } from '../test/s3-server'
import { signUp } from '../test/sign-up'
import { benchDatabase } from './database'

/** `env` adds settings for one role (a limit raised, a grant). */
export async function startBackendRoles(
  env: { credit?: object; ai?: object; backend?: object } = {},
) {
  const db = await benchDatabase()
  const s3 = await startS3()
  const roles: RoleProcess[] = []
  const started = async (p: Promise<RoleProcess>) => (roles.push(await p), roles[roles.length - 1])
  async function stop() {
    await Promise.all(roles.map((r) => r.kill()))
    await s3.stop()
    await db.drop()
  }
  const mailDir = `/tmp/lingudesk-bench-mail-${process.pid}`
  const common = {
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...(await serviceKeyEnv()),
    LOG_LEVEL: 'warn',
  }
  const login = (role: string) => ({ DATABASE_URL: db.loginAs(`lingudesk_${role}`) })
  try {
    const auth = await started(
      startRoleProcess('auth', {
        ...common,
        ...login('auth'),
        SMTP_URL: `file://${mailDir}`,
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
        BCRYPT_COST: '4',
      }),
    )
    // One after another: a role that fails to start leaves none still starting behind it.
    const credit = await started(
      startRoleProcess('credit', {
        ...common,
        ...login('credit'),
        AUTH_URL: auth.url,
        ...env.credit,
      }),
    )
    const ai = await started(
      startRoleProcess('ai', {
        ...common,
        ...login('ai'),
        AUTH_URL: auth.url,
        ...s3.env,
        ...env.ai,
      }),
    )
    const backend = await started(
      startRoleProcess('backend', {
        ...common,
        ...login('backend'),
        AUTH_URL: auth.url,
        CREDIT_URL: credit.url,
        AI_URL: ai.url,
        ...env.backend,
      }),
    )
    /** A new learner, signed up through the backend: its access token and user. */
    return { backend, roles, signUp: () => signUp(backend.url, mailDir), stop }
  } catch (err) {
    await stop().catch(() => undefined) // nothing started is left behind; the first error is the one to see
    throw err
  }
}
