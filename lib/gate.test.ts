import { describe, expect, it } from 'vitest'
import { createGate } from './gate'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('gate', () => {
  it('refuses a waiter that waited maxWaitMs, hands the slot to the next, and refuses beyond the queue', async () => {
    const gate = createGate({ concurrency: 1, queue: 1, maxWaitMs: 50, busy: 'busy now' })
    const first = gate.run(() => sleep(200).then(() => 'first'))
    const second = gate
      .run(async () => 'second')
      .catch((e: Error & { status: number }) => [e.status, e.message])
    const third = gate.run(async () => 'third').catch((e: Error & { status: number }) => e.status)
    expect(await third).toBe(503) // the queue (1) is full
    expect(await second).toEqual([503, 'busy now']) // gave up after 50 ms
    expect(gate.depth).toBe(0)
    expect(await first).toBe('first')
    expect(await gate.run(async () => 'later')).toBe('later') // the slot was freed
  })
})
