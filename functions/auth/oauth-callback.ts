import { Hono } from 'hono'
import { z } from 'zod'
import { createAccount, findAccount, findAccountByEmail } from '../../lib/auth/accounts'
import {
  finishFlow,
  type Identity,
  linkedUser,
  linkIdentity,
  oauthProviders,
  Provider,
  redirectUri,
  takeFlow,
} from '../../lib/auth/oauth'
import { openSession } from '../../lib/auth/sessions'
import { markEmailVerified } from '../../lib/auth/users'
import { audit } from '../../lib/db/audit'
import type { Sql } from '../../lib/db/db'
import { asService } from '../../lib/db/tx'
import { ApiError } from '../../lib/errors'
import { requestMeta } from '../../lib/request-meta'
import { validate } from '../../lib/validate'
import type { AuthEnv } from './env'
import { challengeAnswer, openChallenge } from './_lib/second-factor'
import { needsSecondFactor, publicUser } from './_lib/shared'

export const Body = z.object({
  code: z.string().min(1).max(2048),
  state: z.string().min(16).max(128),
  name: z.string().trim().min(1).max(100).optional(),
})

/** The user for an identity: already linked, linked now by a verified email, or new. */
async function accountFor(sql: Sql, provider: Provider, id: Identity, at: Date, name?: string) {
  const linked = await linkedUser(sql, provider, id.subject)
  if (linked) return { account: await findAccount(sql, linked), created: false }
  if (!id.email) return { refused: 'The provider did not share an email address' }
  let account = await findAccountByEmail(sql, id.email)
  if (account && !id.emailVerified)
    return { refused: 'An account uses this email; sign in with your password first' }
  const created = !account
  account ??= await createAccount(sql, {
    email: id.email,
    name: id.name ?? name ?? id.email.split('@')[0],
    passwordHash: null,
  })
  if (!account) return { refused: 'An account uses this email' }
  if (id.emailVerified) await markEmailVerified(sql, account.id, at)
  await linkIdentity(sql, provider, id, account.id)
  return {
    account: { ...account, emailVerified: account.emailVerified || id.emailVerified },
    created,
  }
}

/** Finishes sign-in with Google or Apple: tokens, or a second-factor challenge as for a password sign-in. */
export default new Hono<AuthEnv>().post(
  '/auth/oauth/:provider/callback',
  validate('param', z.object({ provider: Provider })),
  validate('json', Body),
  async (c) => {
    const { provider } = c.req.valid('param')
    const { code, state, name } = c.req.valid('json')
    const { db, kit, now } = c.var
    const meta = requestMeta(c)
    const config = oauthProviders(c.var.config)[provider]
    if (!config) throw new ApiError('NOT_FOUND', `Sign-in with ${provider} is not configured`)
    const flow = await asService(db, (sql) => takeFlow(sql, provider, state, now()))
    if (!flow) throw new ApiError('INVALID_CODE', 'This sign-in has expired; start again')
    const identity = await finishFlow(config, {
      code,
      verifier: flow.code_verifier,
      nonce: flow.nonce,
      redirectUri: redirectUri(c.var.config.APP_URL, provider),
      now: now(),
    }).catch((cause) => {
      throw new ApiError(
        'UNAUTHORIZED',
        `${provider} could not confirm who you are; try again`,
        undefined,
        { cause },
      )
    })
    const result = await asService(db, async (sql) => {
      const found = await accountFor(sql, provider, identity, new Date(now()), name)
      if (!found.account || found.account.status !== 'active')
        return { refused: found.refused ?? 'This account cannot sign in' }
      const account = found.account
      await audit(sql, meta, {
        actor: account.id,
        action: found.created ? 'user.register' : 'user.login',
        subjectId: account.id,
        details: { provider },
      })
      if (needsSecondFactor(account))
        return {
          account,
          challenge: await openChallenge(sql, meta, {
            account,
            deviceId: flow.device_id,
            now: now(),
          }),
        }
      return { account, tokens: await openSession(sql, kit, account, flow.device_id, meta) }
    })
    if (!result.account) throw new ApiError('CONFLICT', result.refused)
    if (result.challenge)
      return c.json({
        ...(await challengeAnswer(c, result.account.email, result.challenge)),
        deviceId: flow.device_id,
      })
    return c.json({ ...result.tokens, user: publicUser(result.account), deviceId: flow.device_id })
  },
)
