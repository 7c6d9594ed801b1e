import { Hono } from 'hono'
import { optimisedLearners } from '../../lib/content/fsrs-weights'
import { reviewsPerDay } from '../../lib/content/stats'
import { DaysQuery, dayWindow } from '../../lib/days'
import { asService } from '../../lib/db/tx'
import { requireUser } from '../../lib/middleware/auth'
import { rateLimit } from '../../lib/middleware/rate-limit'
import { validate } from '../../lib/validate'
import type { BackendEnv } from './env'
import { serviceJson } from './_lib/service-json'

type Daily<T> = Record<string, T>
type AuthPart = {
  signups: Daily<number>
  activeLearners: Daily<number>
  totals: Record<string, number>
}
type CreditPart = {
  usersByType: Record<string, number>
  payingByPlan: Record<string, Record<string, number>>
  credits: Daily<{ granted: number; purchased: number; spent: number; refunded: number }>
  revenue: Daily<Record<string, number>>
  topSpenders: { userId: string; spent: number }[]
}
type AiPart = { cost: Daily<{ calls: number; cost: number }> }

/**
 * The admin statistics for the last `days` UTC days, one row per day (defined in the README): active
 * learners (auth), reviews (content), sign-ups (auth), revenue and credits (credit), AI calls and cost (ai);
 * in the totals, how many learners have FSRS weights fitted to them (content).
 */
export default new Hono<BackendEnv>().get(
  '/api/admin/stats',
  requireUser({ roles: ['admin'] }),
  rateLimit('admin'),
  validate('query', DaysQuery),
  async (c) => {
    const n = c.req.valid('query').days
    const { from, to, days } = dayWindow(c.var.now(), n)
    const [auth, credit, ai, [reviews, optimised]] = await Promise.all([
      serviceJson(c, 'auth', `/auth/admin/stats?days=${n}`) as Promise<AuthPart>,
      serviceJson(c, 'credit', `/admin/stats?days=${n}`) as Promise<CreditPart>,
      serviceJson(c, 'ai', `/ai/admin/stats?days=${n}`) as Promise<AiPart>,
      asService(
        c.var.db,
        async (sql) => [await reviewsPerDay(sql, from, to), await optimisedLearners(sql)] as const,
      ),
    ])
    const none = { granted: 0, purchased: 0, spent: 0, refunded: 0 }
    const daily = days.map((day) => ({
      day,
      activeLearners: auth.activeLearners[day] ?? 0,
      reviews: reviews[day]?.reviews ?? 0,
      reviewers: reviews[day]?.learners ?? 0,
      signups: auth.signups[day] ?? 0,
      revenue: credit.revenue[day] ?? {},
      credits: credit.credits[day] ?? none,
      aiCalls: ai.cost[day]?.calls ?? 0,
      aiCost: ai.cost[day]?.cost ?? 0,
    }))
    return c.json({
      days: n,
      daily,
      totals: {
        ...auth.totals,
        usersByType: credit.usersByType,
        payingByPlan: credit.payingByPlan,
        fsrsOptimised: optimised,
      },
      topSpenders: credit.topSpenders,
    })
  },
)
