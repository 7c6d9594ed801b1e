import { type Card, createEmptyCard, fsrs, type Grade, generatorParameters } from 'ts-fsrs'
import type { PlannedReview } from './map'

// Default weights, no fuzz: the same history always gives the same memory state (as the study scheduler).
const scheduler = fsrs(generatorParameters({ enable_fuzz: false }))

/**
 * A card's FSRS memory state from its Anki history: the reviews replayed in order from a new card (created at
 * the first review), each with the state before and after it, as our own reviews record them.
 */
export function replay(reviews: PlannedReview[], createdAt: Date) {
  let card: Card = createEmptyCard(reviews.length ? new Date(reviews[0].at) : createdAt)
  const steps = reviews.map((r) => {
    const before = card
    card = scheduler.next(card, new Date(r.at), r.grade as Grade).card
    return { before, after: card }
  })
  return { card, steps }
}
