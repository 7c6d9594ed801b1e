import type { Db, Sql } from '../db/db'
import { asUser } from '../db/tx'
import { ApiError } from '../errors'
import { FSRS_FIT_COOLDOWN_MS, FSRS_FIT_MIN_REVIEWS } from './limits'

/**
 * One card's reviews in order: the grade (1–4), whole days since the card's previous review (0 first) and when
 * (ms since the epoch: the optimiser holds out the latest reviews).
 */
export type CardHistory = { grade: number; days: number; at: number }[]
export type Fit = {
  weights: number[]
  default: { logLoss: number; rmse: number }
  fitted: { logLoss: number; rmse: number }
}
/** Fits FSRS weights to review histories (Node only: the native binding does not run in workerd). */
export type Optimiser = { fit(histories: CardHistory[]): Promise<Fit> }

/** The select-list entry that gives a scheduling row the learner's weights, when they predict better. */
export const WEIGHTS_IN_USE = `(select w.weights from content.fsrs_weights w where w.in_use) as weights`

type Row = {
  weights: number[]
  reviews: number
  log_loss_default: number
  rmse_default: number
  log_loss_fitted: number
  rmse_fitted: number
  in_use: boolean
  fitted_at: Date
}
export type Optimisation = ReturnType<typeof toOptimisation>
const toOptimisation = (r: Row) => ({
  reviews: r.reviews,
  fittedAt: r.fitted_at,
  inUse: r.in_use,
  default: { logLoss: r.log_loss_default, rmse: r.rmse_default },
  fitted: { logLoss: r.log_loss_fitted, rmse: r.rmse_fitted, weights: r.weights },
  /** When "optimise now" may run again (the cooldown's one source is here, not in the web app). */
  nextFitAt: new Date(r.fitted_at.getTime() + FSRS_FIT_COOLDOWN_MS),
})

/** How many learners have fitted weights, and how many schedule with them (admin statistics; 0025). */
export async function optimisedLearners(sql: Sql) {
  const [r] = await sql<{ fitted: string; in_use: string }>(
    `select * from content.fsrs_optimised()`,
  )
  return { fitted: Number(r.fitted), inUse: Number(r.in_use) }
}

/** The learner's last fit, or null before the first. */
export async function optimisation(sql: Sql) {
  const [r] = await sql<Row>(`select * from content.fsrs_weights`)
  return r ? toOptimisation(r) : null
}

/**
 * The learner's review histories by card (undone reviews left out), once there are enough to fit and the last
 * fit is older than the cooldown; otherwise a 400 or 429 that says why.
 */
export async function historiesToFit(sql: Sql, now: Date) {
  const last = await optimisation(sql)
  const wait = last ? last.fittedAt.getTime() + FSRS_FIT_COOLDOWN_MS - now.getTime() : 0
  if (wait > 0)
    throw new ApiError('RATE_LIMITED', 'Your scheduler was optimised recently; try again later', {
      retryAfter: Math.ceil(wait / 1000),
    })
  const rows = await sql<{ card_id: string; grade: number; reviewed_at: Date }>(
    `select card_id, grade, reviewed_at from content.reviews where undone_at is null order by card_id, reviewed_at`,
  )
  if (rows.length < FSRS_FIT_MIN_REVIEWS)
    throw new ApiError(
      'BAD_REQUEST',
      `Optimisation needs at least ${FSRS_FIT_MIN_REVIEWS} reviews; you have ${rows.length}`,
      { reviews: rows.length, required: FSRS_FIT_MIN_REVIEWS },
    )
  const byCard = new Map<string, CardHistory>()
  for (const r of rows) {
    let h = byCard.get(r.card_id)
    if (!h) byCard.set(r.card_id, (h = []))
    const at = r.reviewed_at.getTime()
    const prev = h.at(-1)?.at
    h.push({
      grade: r.grade,
      days: prev === undefined ? 0 : Math.floor((at - prev) / 86_400_000),
      at,
    })
  }
  return { reviews: rows.length, histories: [...byCard.values()] }
}

/** Stores a fit (replacing the last); the scheduler takes its weights only if they predict better. */
export async function saveFit(sql: Sql, fit: Fit, reviews: number, now: Date) {
  const [r] = await sql<Row>(
    `insert into content.fsrs_weights (weights, reviews, log_loss_default, rmse_default, log_loss_fitted, rmse_fitted, fitted_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (user_id) do update set weights = excluded.weights, reviews = excluded.reviews,
       log_loss_default = excluded.log_loss_default, rmse_default = excluded.rmse_default,
       log_loss_fitted = excluded.log_loss_fitted, rmse_fitted = excluded.rmse_fitted, fitted_at = excluded.fitted_at
     returning *`,
    [
      fit.weights,
      reviews,
      fit.default.logLoss,
      fit.default.rmse,
      fit.fitted.logLoss,
      fit.fitted.rmse,
      now,
    ],
  )
  return toOptimisation(r)
}

/** Fits a learner's weights from their reviews and stores the fit, holding no transaction while it fits. */
export async function fitLearner(db: Db, optimiser: Optimiser, userId: string, now: Date) {
  const { histories, reviews } = await asUser(db, userId, (sql) => historiesToFit(sql, now))
  const fit = await optimiser.fit(histories)
  return asUser(db, userId, (sql) => saveFit(sql, fit, reviews, now))
}
