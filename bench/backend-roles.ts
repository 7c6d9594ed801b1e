// The public API as production runs it, for benchmarks: auth, credit, AI (on s3rver, offline plugin) and the
// backend, each its own process, on a database of the benchmark's own; sign-up codes are mailed to files.
import { randomBytes } from 'node:crypto'
import { serviceKeyEnv } from '../lib/service-keys'
import { startRoleProcess } from '../test/role-process'
import { startS3 } from '../test/s3-server'
import { signUp } from '../test/sign-up'
import { benchDatabase } from './database'

/** `env` adds settings for one role (a limit raised, a grant). */
export async function startBackendRoles(env: { credit?: object; backend?: object } = {}) {
  const db = await benchDatabase()
  const s3 = await startS3()
  const mailDir = `/tmp/lingudesk-bench-mail-${process.pid}`
  const common = { DATABASE_URL: db.url, ...(await serviceKeyEnv()), LOG_LEVEL: 'warn' }
  const auth = await startRoleProcess('auth', {
    ...common,
    SMTP_URL: `file://${mailDir}`,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    BCRYPT_COST: '4',
  })
  const [credit, ai] = await Promise.all([
    startRoleProcess('credit', { ...common, AUTH_URL: auth.url, ...env.credit }),
    startRoleProcess('ai', { ...common, AUTH_URL: auth.url, ...s3.env }),
  ])
  const backend = await startRoleProcess('backend', {
    ...common,
    AUTH_URL: auth.url,
    CREDIT_URL: credit.url,
    AI_URL: ai.url,
    ...env.backend,
  })
  return {
    backend,
    /** A new learner, signed up through the backend: its access token and user. */
    signUp: () => signUp(backend.url, mailDir),
    async stop() {
      await Promise.all([backend, ai, credit, auth].map((r) => r.kill()))
      await s3.stop()
      await db.drop()
    },
  }
}
