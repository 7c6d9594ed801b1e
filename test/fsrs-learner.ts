import { createEmptyCard, default_w, fsrs, generatorParameters, Rating } from 'ts-fsrs'
import { seededRandom } from '../lib/seeded-random'

const DAY = 86_400_000
/**
 * A learner whose memory FSRS describes with these weights: initial stabilities well above the defaults', and
 * stability growing faster after each recall (w[8] + 1), so that the fit also beats the defaults on the latest
 * reviews, which the optimiser holds out (initial stabilities alone barely matter there).
 */
export const TRUE_W = [
  1.5,
  4,
  8,
  20,
  ...default_w.slice(4, 8),
  default_w[8] + 1,
  ...default_w.slice(9),
]

/** `cards` cards reviewed `perCard` times by the true-weights learner, at loosely kept intervals. */
export function simulate(
  seed: number,
  cards: number,
  perCard: number,
  start = Date.UTC(2025, 0, 1),
) {
  const rand = seededRandom(seed) // the same histories on every run
  const f = fsrs(generatorParameters({ w: TRUE_W, enable_short_term: false, enable_fuzz: false }))
  return Array.from({ length: cards }, () => {
    let card = createEmptyCard(new Date(start))
    let at = start + Math.floor(rand() * 30) * DAY
    const reviews: { grade: number; days: number; at: number }[] = []
    for (let i = 0; i < perCard; i++) {
      const recalled =
        i === 0 ? rand() > 0.3 : rand() < f.get_retrievability(card, new Date(at), false)
      const u = rand()
      const grade = !recalled
        ? Rating.Again
        : u < 0.15
          ? Rating.Hard
          : u < 0.85
            ? Rating.Good
            : Rating.Easy
      const prev = reviews.at(-1)?.at
      reviews.push({ grade, at, days: prev === undefined ? 0 : Math.round((at - prev) / DAY) })
      card = f.next(card, new Date(at), grade).card
      at += Math.max(1, Math.round(card.scheduled_days * (0.6 + rand() * 0.8))) * DAY
    }
    return reviews
  })
}

/** Writes simulated reviews of these cards straight into content.reviews (the API would take each grade). */
export async function seedReviews(
  owner: { query(sql: string, params?: unknown[]): Promise<unknown> },
  cardIds: string[],
  perCard: number,
  seed = 7,
) {
  const rows = simulate(seed, cardIds.length, perCard).flatMap((h, i) =>
    h.map((r) => ({ card: cardIds[i], grade: r.grade, at: new Date(r.at).toISOString() })),
  )
  await owner.query(
    `insert into content.reviews (user_id, card_id, deck_id, grade, duration_ms, was_new, state_before, state_after, version_before, reviewed_at)
     select c.user_id, c.id, c.deck_id, x.grade, 1000, false, '{}', '{}', 0, x.at
     from jsonb_to_recordset($1::jsonb) x(card uuid, grade int, at timestamptz) join content.cards c on c.id = x.card`,
    [JSON.stringify(rows)],
  )
  return rows.length
}
