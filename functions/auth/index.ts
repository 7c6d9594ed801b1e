import { createApp } from '../../lib/app'
import { publishedKeys } from '../../lib/auth/keys'
import { sessionLive } from '../../lib/auth/sessions'
import { createAuthKit } from '../../lib/auth/kit'
import { asService } from '../../lib/db/tx'
import { createVerifier, type Verifier } from '../../lib/jwt'
import { requireService } from '../../lib/middleware/service-auth'
import adminAudit from './admin-audit'
import adminKeys from './admin-keys'
import adminRotateKeys from './admin-rotate-keys'
import adminStats from './admin-stats'
import adminUser from './admin-user'
import adminUserSessions from './admin-user-sessions'
import adminUserAdmin from './admin-user-admin'
import adminUserStatus from './admin-user-status'
import adminUserVerification from './admin-user-verification'
import adminUsers from './admin-users'
import emailResend from './email-resend'
import emailVerify from './email-verify'
import type { AuthDeps } from './env'
import internalUserComp from './internal-user-comp'
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
import registerResend from './register-resend'
import registerVerify from './register-verify'
import sessionRevoke from './session-revoke'
import sessions from './sessions'
import twoFactor from './two-factor'

export default function createAuthApp(deps: Omit<AuthDeps, 'kit' | 'verifier'>) {
  const now = deps.now ?? Date.now
  const { config } = deps
  const kit = createAuthKit(config, now)
  // Auth verifies its own tokens the way every service does: through the published key set. It also asks
  // its own database whether the session still lives, so a revoked session reaches nothing here, Redis or not.
  const verify = createVerifier({
    jwks: () => asService(deps.db, (sql) => publishedKeys(sql, now())),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    now,
  })
  const verifier: Verifier = async (token) => {
    const claims = await verify(token)
    if (!(await asService(deps.db, (sql) => sessionLive(sql, claims.sid, now()))))
      throw new Error('session ended')
    return claims
  }
  return createApp('auth', { ...deps, now, kit, verifier })
    .route('/', jwks)
    .route('/', internalUserRole)
    .route('/', internalUserComp)
    .route('/', internalUserExport)
    .route('/', internalUserReauth)
    .route('/', internalUserErase)
    .use('/auth/*', requireService({ from: ['backend'] })) // users reach auth only through the backend
    .route('/', register)
    .route('/', registerVerify)
    .route('/', registerResend)
    .route('/', login)
    .route('/', loginVerify)
    .route('/', refresh)
    .route('/', logout)
    .route('/', me)
    .route('/', emailVerify)
    .route('/', emailResend)
    .route('/', passwordChange)
    .route('/', passwordForgot)
    .route('/', passwordReset)
    .route('/', twoFactor)
    .route('/', sessions)
    .route('/', sessionRevoke)
    .route('/', oauthProviders)
    .route('/', oauthStart)
    .route('/', oauthCallback)
    .route('/', adminKeys)
    .route('/', adminRotateKeys)
    .route('/', adminAudit)
    .route('/', adminStats)
    .route('/', adminUsers)
    .route('/', adminUser)
    .route('/', adminUserSessions)
    .route('/', adminUserStatus)
    .route('/', adminUserAdmin)
    .route('/', adminUserVerification)
}
