import { createApp, type RoleDeps } from '../../lib/app'
import { createAuthKit, type AuthKit } from '../../lib/auth/kit'
import { publishedKeys } from '../../lib/auth/keys'
import type { Db } from '../../lib/db/db'
import { asService } from '../../lib/db/tx'
import { createVerifier, type Verifier } from '../../lib/jwt'
import type { Mailer } from '../../lib/mail'
import { requireService } from '../../lib/middleware/service-auth'
import type { Services } from '../../lib/services'
import adminRotateKeys from './admin-rotate-keys'
import adminUserSessions from './admin-user-sessions'
import adminUserStatus from './admin-user-status'
import emailResend from './email-resend'
import emailVerify from './email-verify'
import internalUserErase from './internal-user-erase'
import internalUserExport from './internal-user-export'
import internalUserReauth from './internal-user-reauth'
import internalUserRole from './internal-user-role'
import jwks from './jwks'
import login from './login'
import loginVerify from './login-verify'
import logout from './logout'
import me from './me'
import oauthCallback from './oauth-callback'
import oauthStart, { providers as oauthProviders } from './oauth-start'
import passwordChange from './password-change'
import passwordForgot from './password-forgot'
import passwordReset from './password-reset'
import refresh from './refresh'
import register from './register'
import sessionRevoke from './session-revoke'
import sessions from './sessions'
import twoFactor from './two-factor'

export type AuthDeps = RoleDeps<'auth'> & { db: Db; mailer: Mailer; services: Services; kit: AuthKit; verifier: Verifier }

export default function createAuthApp(deps: RoleDeps<'auth'> & { db: Db; mailer: Mailer; services: Services }) {
  const now = deps.now ?? Date.now
  const { config } = deps
  const kit = createAuthKit(config, now)
  // Auth verifies its own tokens the way every service does: through the published key set.
  const verifier = createVerifier({
    jwks: () => asService(deps.db, (sql) => publishedKeys(sql, now())),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    now,
  })
  return createApp('auth', { ...deps, now, kit, verifier })
    .route('/.well-known/jwks.json', jwks)
    .route('/internal/users', internalUserRole)
    .route('/internal/users', internalUserExport)
    .route('/internal/users', internalUserReauth)
    .route('/internal/users', internalUserErase)
    .use('/auth/*', requireService({ from: ['backend'] })) // users reach auth only through the backend
    .route('/auth/register', register)
    .route('/auth/login', login)
    .route('/auth/login/verify', loginVerify)
    .route('/auth/refresh', refresh)
    .route('/auth/logout', logout)
    .route('/auth/me', me)
    .route('/auth/email/verify', emailVerify)
    .route('/auth/email/resend', emailResend)
    .route('/auth/password', passwordChange)
    .route('/auth/password/forgot', passwordForgot)
    .route('/auth/password/reset', passwordReset)
    .route('/auth/two-factor', twoFactor)
    .route('/auth/sessions', sessions)
    .route('/auth/sessions', sessionRevoke)
    .route('/auth/oauth/providers', oauthProviders)
    .route('/auth/oauth', oauthStart)
    .route('/auth/oauth', oauthCallback)
    .route('/auth/admin/keys/rotate', adminRotateKeys)
    .route('/auth/admin/users', adminUserSessions)
    .route('/auth/admin/users', adminUserStatus)
}
