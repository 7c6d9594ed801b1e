import { FSRSAlgorithm, type Grade, Rating } from 'ts-fsrs'
import { uniformAt } from '../seeded-random'

/** A studied card as the simulation starts it: its memory state, days since its last review, days until due. */
export type SimCard = { stability: number; difficulty: number; daysSince: number; dueIn: number }
export type Workload = {
  /** FSRS weights (the learner's fitted ones or ts-fsrs's defaults). */
  w: number[]
  cards: SimCard[]
  /** Cards never studied, introduced `newPerDay` a day while any are left. */
  newCards: number
  newPerDay: number
  /** Due cards past this many a day wait for the next day, as in the study queue. */
  reviewsPerDay: number
  maximumInterval: number
  days: number
  seed: number
  /** The part of the deck these cards are (a uniform sample of a large deck): limits scale by it, counts back. */
  share: number
  grades: Grades
}
/** How often each grade is given: a new card's first (again, hard, good, easy); a recalled card's (hard, good, easy). */
export type Grades = { first: number[]; recall: number[] }
export type Forecast = {
  retention: number
  /** Reviews of studied cards (new cards' first views not counted), averaged over the days simulated. */
  reviewsPerDay: number
  /** Expected number of cards recalled on the last day: the sum of every studied card's retrievability. */
  memorised: number
}

/** The frequencies Anki's simulator assumes when it has no history to count (fsrs-rs SimulatorConfig defaults). */
export const DEFAULT_GRADES: Grades = {
  first: [0.24, 0.094, 0.495, 0.171],
  recall: [0.224, 0.631, 0.145],
}
// A daily limit of `rate` cards spread over the days in whole cards (a limit scaled to a sample is fractional).
const quota = (rate: number, day: number) => Math.floor((day + 1) * rate) - Math.floor(day * rate)
// The grade whose share of `counts` holds u (0 ≤ u < 1); counts need not add up to 1.
const draw = (counts: number[], u: number, first: Grade) => {
  const x = u * counts.reduce((a, b) => a + b, 0)
  let i = 0
  for (let acc = counts[0]; x >= acc && i < counts.length - 1; acc += counts[++i]);
  return (first + i) as Grade
}

/**
 * A day-by-day Monte Carlo run of the deck at one desired retention, with the FSRS model of `w` both
 * scheduling each card and deciding whether it is recalled (with the model's own retrievability). A card's k-th
 * review draws the same random numbers at every retention, so neighbouring retentions differ by the retention, not
 * by luck. Learning steps within a day are not simulated: a card is seen at most once a day.
 */
export function simulateWorkload(retention: number, o: Workload): Forecast {
  const f = new FSRSAlgorithm({
    w: o.w,
    request_retention: retention,
    maximum_interval: o.maximumInterval,
    enable_fuzz: false,
  })
  // Two draws per card and review: recalled or not, then the grade (a new card's first grade: review 0).
  const chance = (i: number, k: number, which: 0 | 1) => uniformAt(o.seed, i, 2 * k + which)
  const n = o.cards.length + o.newCards
  const s = new Float64Array(n)
  const d = new Float64Array(n)
  const last = new Int32Array(n)
  const reps = new Int32Array(n).fill(1)
  const due: number[][] = Array.from({ length: o.days }, () => [])
  const schedule = (i: number, day: number) => day < o.days && due[day].push(i)
  o.cards.forEach((c, i) => {
    s[i] = c.stability
    d[i] = c.difficulty
    last[i] = -c.daysSince
    schedule(i, Math.max(0, c.dueIn))
  })
  let seen = o.cards.length
  let reviews = 0
  let waiting: number[] = []
  for (let day = 0; day < o.days; day++) {
    const today = waiting.concat(due[day])
    waiting = today.splice(quota(o.reviewsPerDay * o.share, day))
    for (const i of today) {
      const t = day - last[i]
      const r = f.forgetting_curve(t, s[i])
      const k = reps[i]++
      const grade =
        chance(i, k, 0) < r ? draw(o.grades.recall, chance(i, k, 1), Rating.Hard) : Rating.Again
      const next = f.next_state({ stability: s[i], difficulty: d[i] }, t, grade, r)
      s[i] = next.stability
      d[i] = next.difficulty
      last[i] = day
      schedule(i, day + f.next_interval(next.stability, t))
    }
    reviews += today.length
    for (const end = Math.min(n, seen + quota(o.newPerDay * o.share, day)); seen < end; seen++) {
      const next = f.next_state(null, 0, draw(o.grades.first, chance(seen, 0, 1), Rating.Again))
      s[seen] = next.stability
      d[seen] = next.difficulty
      last[seen] = day
      schedule(seen, day + f.next_interval(next.stability, 0))
    }
  }
  let memorised = 0
  for (let i = 0; i < seen; i++) memorised += f.forgetting_curve(o.days - 1 - last[i], s[i])
  return { retention, reviewsPerDay: reviews / o.days / o.share, memorised: memorised / o.share }
}
