import {
  computeParameters,
  FSRSBinding,
  FSRSBindingItem,
  FSRSBindingReview,
} from '@open-spaced-repetition/binding'
import type { CardHistory, Fit, Optimiser } from '../content/fsrs-weights'

/**
 * Each review after a card's first, with the reviews before it: what FSRS predicts and is scored on. Reviews
 * on the day of the one before (learning steps) are context, not predictions, as in Anki.
 */
export function toItems(histories: CardHistory[]) {
  return histories.flatMap((h) =>
    h.flatMap((r, i) =>
      i > 0 && r.days > 0
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

/** FSRS optimisation with the fsrs-rs binding, scored on the same reviews as Anki's "Evaluate" does. */
export const fsrsOptimiser: Optimiser = {
  async fit(histories: CardHistory[]): Promise<Fit> {
    const items = toItems(histories)
    const weights = await computeParameters(items, { enableShortTerm: true })
    return { weights, default: score(items), fitted: score(items, weights) }
  },
}
