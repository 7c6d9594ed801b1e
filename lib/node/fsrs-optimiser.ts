import {
  computeParameters,
  FSRSBinding,
  FSRSBindingItem,
  FSRSBindingReview,
} from '@open-spaced-repetition/binding'
import { CLAMP_PARAMETERS, default_w, W17_W18_Ceiling } from 'ts-fsrs'
import type { CardHistory, Fit, Optimiser } from '../content/fsrs-weights'
import { ApiError } from '../errors'

/** The latest share of a learner's reviews the fit never sees: both weight sets are judged on them. */
const HELD_OUT = 0.2
const BOUNDS = CLAMP_PARAMETERS(W17_W18_Ceiling, true)

/**
 * Each review after a card's first that `predicted` selects, with the reviews before it: what FSRS predicts
 * and is scored on. Reviews on the day of the one before (learning steps) are context, not predictions, as in
 * Anki.
 */
export function toItems(histories: CardHistory[], predicted = (_at: number) => true) {
  return histories.flatMap((h) =>
    h.flatMap((r, i) =>
      i > 0 && r.days > 0 && predicted(r.at)
        ? [
            new FSRSBindingItem(
              h.slice(0, i + 1).map((x) => new FSRSBindingReview(x.grade, x.days)),
            ),
          ]
        : [],
    ),
  )
}

/** Log-loss and RMSE (binned, as Anki shows it) of `weights` (default: FSRS's) on `items`. */
export function score(items: FSRSBindingItem[], weights?: number[]) {
  const e = new FSRSBinding(weights).evaluate(items)
  return { logLoss: e.logLoss, rmse: e.rmseBins }
}

/** Whether every weight is finite and inside the range ts-fsrs (and fsrs-rs) allow it. */
export const withinBounds = (w: number[]) =>
  w.length === BOUNDS.length &&
  w.every((x, i) => Number.isFinite(x) && x >= BOUNDS[i][0] && x <= BOUNDS[i][1])

/** The reviews before the latest HELD_OUT of them by time (to fit), and the later ones as items (to judge). */
export function splitByTime(histories: CardHistory[]) {
  const times = histories.flatMap((h) => h.map((r) => r.at)).sort((a, b) => a - b)
  const cutoff = times[Math.floor(times.length * (1 - HELD_OUT))]
  return {
    train: histories.map((h) => h.filter((r) => r.at < cutoff)).filter((h) => h.length > 0),
    heldOut: toItems(histories, (at) => at >= cutoff),
  }
}

/**
 * FSRS optimisation with the fsrs-rs binding. Judged on reviews it was fitted on, a fit always looks better
 * (an imported, uniform history gave stabilities of 100 days and a log-loss of 0.005), so it is fitted on the
 * earlier 80% of the reviews and both weight sets are scored on the latest 20%: the stored figures are those,
 * and the weights stored are this fit's (not refitted on everything, so the figures describe them). Weights
 * outside ts-fsrs's bounds are refused: the defaults are stored with their own figures on both sides.
 */
export const fsrsOptimiser: Optimiser = {
  async fit(histories: CardHistory[]): Promise<Fit> {
    const { train, heldOut } = splitByTime(histories)
    if (!heldOut.length)
      throw new ApiError(
        'BAD_REQUEST',
        'Your reviews span too short a time to judge a fit; review on a few more days first',
      )
    const weights = await computeParameters(toItems(train), { enableShortTerm: true })
    const defaults = score(heldOut)
    if (!withinBounds(weights))
      return { weights: [...default_w], default: defaults, fitted: defaults }
    return { weights, default: defaults, fitted: score(heldOut, weights) }
  },
}
