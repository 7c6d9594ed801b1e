import { Hono } from 'hono'
import { requireUser } from '../../lib/middleware/auth'
import type { CreditEnv } from './env'

/** What the SPA needs to open Paddle checkout; `configured: false` when this deployment sells nothing. */
export default new Hono<CreditEnv>().get('/credits/checkout', requireUser(), (c) => {
  const { config } = c.var
  const user = c.var.user
  const configured =
    Boolean(config.PADDLE_CLIENT_TOKEN) &&
    config.PADDLE_PLAN_PRICES.size + config.PADDLE_TOPUP_PRICES.size > 0
  return c.json({
    configured,
    environment: config.PADDLE_ENVIRONMENT,
    clientToken: configured ? config.PADDLE_CLIENT_TOKEN : null,
    plans: [...config.PADDLE_PLAN_PRICES].map(([priceId, plan]) => ({
      priceId,
      plan,
      monthlyGrant: config[plan === 'plus' ? 'GRANT_PLUS' : 'GRANT_PREMIUM'],
    })),
    topUps: [...config.PADDLE_TOPUP_PRICES].map(([priceId, amount]) => ({ priceId, amount })),
    customer: { email: user.email },
    customData: { user_id: user.id },
  })
})
