import { describe, expect, it } from 'vitest'
import { streaks } from './stats'

describe('streaks', () => {
  it('counts the current run up to today or yesterday, and the longest ever', () => {
    const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-02-10', '2026-02-11']
    expect(streaks(days, '2026-02-11')).toEqual({ current: 2, longest: 3 })
    expect(streaks(days, '2026-02-12')).toEqual({ current: 2, longest: 3 }) // today not studied yet
    expect(streaks(days, '2026-02-13')).toEqual({ current: 0, longest: 3 })
    expect(streaks([], '2026-02-13')).toEqual({ current: 0, longest: 0 })
  })
})
