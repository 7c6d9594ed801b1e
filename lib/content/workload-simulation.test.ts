import { default_w } from 'ts-fsrs'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../seeded-random'
import { FORECAST_RETENTIONS } from './limits'
import {
  DEFAULT_GRADES,
  type SimCard,
  simulateWorkload,
  type Workload,
} from './workload-simulation'

const deck = (o: Partial<Workload> = {}): Workload => ({
  w: [...default_w],
  cards: [],
  newCards: 0,
  newPerDay: 20,
  reviewsPerDay: 9999,
  maximumInterval: 36500,
  days: 365,
  seed: 1,
  share: 1,
  grades: DEFAULT_GRADES,
  ...o,
})
/** `n` studied cards of mixed strength, some overdue, some due within their stability. */
const studied = (n: number, seed = 3): SimCard[] => {
  const rand = seededRandom(seed)
  return Array.from({ length: n }, () => {
    const stability = 1 + rand() * 60
    return {
      stability,
      difficulty: 1 + rand() * 9,
      daysSince: Math.floor(rand() * stability),
      dueIn: Math.floor(rand() * stability) - 5,
    }
  })
}
const alike = (n: number, c: SimCard) => Array.from({ length: n }, () => ({ ...c }))

describe('simulateWorkload', () => {
  it('gives the same figures for the same seed, and others for another seed', () => {
    const d = deck({ cards: studied(300), newCards: 200 })
    expect(simulateWorkload(0.9, d)).toEqual(simulateWorkload(0.9, d))
    expect(simulateWorkload(0.9, { ...d, seed: 2 })).not.toEqual(simulateWorkload(0.9, d))
  })

  it('asks for fewer reviews and keeps fewer cards as the desired retention falls', () => {
    const d = deck({ cards: studied(1500), newCards: 500, newPerDay: 10 })
    const rows = FORECAST_RETENTIONS.map((r) => simulateWorkload(r, d))
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].reviewsPerDay).toBeGreaterThan(rows[i - 1].reviewsPerDay)
      expect(rows[i].memorised).toBeGreaterThan(rows[i - 1].memorised)
    }
    // At 0.80 a year's reviews are well under half of those at 0.95 (FSRS: about 2–3 times fewer).
    expect(rows[0].reviewsPerDay / rows[rows.length - 1].reviewsPerDay).toBeLessThan(0.5)
  })

  it('recalls as often as the model says: N cards at R = 0.9 lapse N/10 times (binomial), each seen again the next day', () => {
    // Due on day 10 at stability 10: retrievability exactly 0.9. A recalled card's next interval is weeks; a
    // lapsed one's is 1 day (default weights), so 12 days hold N reviews plus one per lapse.
    const n = 4000
    const d = deck({
      cards: alike(n, { stability: 10, difficulty: 5, daysSince: 0, dueIn: 10 }),
      days: 12,
    })
    const lapses = simulateWorkload(0.9, d).reviewsPerDay * 12 - n
    const sd = Math.sqrt(n * 0.1 * 0.9) // 19
    expect(Math.abs(lapses - n * 0.1)).toBeLessThan(4 * sd)
  })

  it('counts as remembered what the forgetting curve keeps: cards unseen for their stability are at 0.9', () => {
    // Not due in the horizon: on the last day (99) each was last seen 100 days ago, at stability 100.
    const d = deck({
      cards: alike(500, { stability: 100, difficulty: 5, daysSince: 1, dueIn: 400 }),
      days: 100,
    })
    const f = simulateWorkload(0.85, d)
    expect(f.reviewsPerDay).toBe(0)
    expect(f.memorised).toBeCloseTo(450, 6)
  })

  it('holds reviews to the daily limit and new cards to new cards per day', () => {
    const d = deck({ cards: studied(2000), newCards: 1000, newPerDay: 5, reviewsPerDay: 30 })
    const f = simulateWorkload(0.95, d)
    expect(f.reviewsPerDay).toBeLessThanOrEqual(30)
    expect(f.reviewsPerDay).toBeGreaterThan(29)
    // 5 new a day for 365 days: 1825 asked for, 1000 there; all studied cards count towards remembered.
    expect(f.memorised).toBeGreaterThan(2000)
  })

  it('follows the learner’s grades: one who always answers easy reviews less than one who always answers hard', () => {
    const d = deck({ cards: studied(1000), newCards: 500, newPerDay: 10 })
    const at = (recall: number[]) =>
      simulateWorkload(0.9, { ...d, grades: { first: [0, 0, 1, 0], recall } }).reviewsPerDay
    expect(at([0, 0, 1])).toBeLessThan(at([0, 1, 0]))
    expect(at([0, 1, 0])).toBeLessThan(at([1, 0, 0]))
  })

  it('estimates a whole deck from a half sample with limits scaled by the share', () => {
    const cards = studied(3000)
    const whole = simulateWorkload(0.9, deck({ cards, newCards: 1000, newPerDay: 8 }))
    const half = simulateWorkload(
      0.9,
      deck({ cards: cards.filter((_, i) => i % 2), newCards: 500, newPerDay: 8, share: 0.5 }),
    )
    expect(half.reviewsPerDay / whole.reviewsPerDay).toBeCloseTo(1, 1)
    expect(half.memorised / whole.memorised).toBeCloseTo(1, 1)
  })
})
