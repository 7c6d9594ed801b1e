import { describe, expect, it } from 'vitest'
import { createBreaker } from './breaker'

describe('circuit breaker', () => {
  it('opens after 3 failures, lets one trial through after the cooldown, closes on success', () => {
    let t = 0
    const b = createBreaker({ threshold: 3, cooldownMs: 10_000, now: () => t })
    for (let i = 0; i < 3; i++) {
      expect(b.allow()).toBe(true)
      b.failure()
    }
    expect(b.state()).toBe('open')
    expect(b.allow()).toBe(false)
    expect(b.retryInMs()).toBe(10_000)
    t = 10_000
    expect(b.allow()).toBe(true) // the trial
    expect(b.allow()).toBe(false) // only one at a time
    b.failure()
    expect(b.state()).toBe('open')
    t = 20_000
    expect(b.allow()).toBe(true)
    b.success()
    expect(b.state()).toBe('closed')
    expect(b.allow()).toBe(true)
  })

  it('a success in between resets the count', () => {
    const b = createBreaker({ threshold: 3 })
    b.failure()
    b.failure()
    b.success()
    b.failure()
    expect(b.state()).toBe('closed')
  })
})
