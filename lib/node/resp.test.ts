import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedisServer } from '../../test/redis-server'
import { respClient } from './resp'

let redis: Awaited<ReturnType<typeof startRedisServer>>
let locked: Awaited<ReturnType<typeof startRedisServer>>
beforeAll(async () => {
  ;[redis, locked] = await Promise.all([
    startRedisServer(),
    startRedisServer({ password: 'p@ss/w+rd' }),
  ])
}, 30_000)
afterAll(() => Promise.all([redis?.stop(), locked?.stop()]))

const within = async <T>(ms: number, fn: () => Promise<T>) => {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50)))
    try {
      return await fn()
    } catch (err) {
      if (Date.now() > end) throw err
    }
}

const refused = (p: Promise<unknown>) =>
  p.then(
    () => false,
    () => true,
  )

describe('the minimal Redis client', () => {
  it('answers every reply type, in order, for commands sent at once', async () => {
    const c = respClient(new URL(redis.url))
    try {
      expect(await c.command(['PING'])).toBe('PONG')
      const key = `resp-${crypto.randomUUID()}`
      const counts = await Promise.all(Array.from({ length: 500 }, () => c.command(['INCR', key])))
      expect(counts).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
      const script = `return {1, 'two', false, {KEYS[1], ARGV[1]}}`
      expect(await c.command(['EVAL', script, '1', 'k', 'é ü'])).toEqual([
        1,
        'two',
        null,
        ['k', 'é ü'],
      ])
      expect(await c.command(['GET', `${key}-missing`])).toBeNull()
      const big = await c.command(['EVAL', `return string.rep('x', 1000000)`, '0']) // many reads
      expect(big).toBe('x'.repeat(1_000_000))
    } finally {
      c.close()
    }
  })

  it('reads a large reply in time linear in its size', async () => {
    const c = respClient(new URL(redis.url))
    try {
      await c.command(['PING'])
      const cpu = process.cpuUsage()
      const big = await c.command(['EVAL', `return string.rep('y', 30000000)`, '0'])
      const { user, system } = process.cpuUsage(cpu)
      expect(big).toHaveLength(30_000_000)
      // Copying all that arrived on every read took 2.2 s of CPU here for these 30 MB; once, about 0.05 s
      expect((user + system) / 1000).toBeLessThan(600)
    } finally {
      c.close()
    }
  })

  it('rejects a command Redis refuses with its message, and goes on', async () => {
    const c = respClient(new URL(redis.url))
    try {
      await expect(c.command(['EVALSHA', 'f'.repeat(40), '0'])).rejects.toThrow(/^NOSCRIPT/)
      await expect(c.command(['EVAL', `return redis.error_reply('nope')`, '0'])).rejects.toThrow(
        'nope',
      )
      expect(await c.command(['PING'])).toBe('PONG')
    } finally {
      c.close()
    }
  })

  it('signs in with the password given (any characters), which replaces the URL’s', async () => {
    const url = new URL(locked.url)
    const c = respClient(url, { password: 'p@ss/w+rd' })
    const anonymous = respClient(url)
    try {
      expect(await c.command(['PING'])).toBe('PONG')
      await expect(anonymous.command(['PING'])).rejects.toThrow()
    } finally {
      c.close()
      anonymous.close()
    }
  })

  it('fails at once while Redis is down and reconnects once it is back', async () => {
    const c = respClient(new URL(redis.url))
    try {
      expect(await c.command(['PING'])).toBe('PONG')
      await redis.stop()
      await within(2000, async () => {
        if (!(await refused(c.command(['PING'])))) throw new Error('still answering')
      })
      const started = Date.now()
      await expect(c.command(['PING'])).rejects.toThrow()
      expect(Date.now() - started).toBeLessThan(500)
      await redis.start()
      expect(await within(5000, () => c.command(['PING']))).toBe('PONG')
    } finally {
      c.close()
    }
  }, 20_000)

  it('waits for a server that is connected but not answering (its callers time out themselves)', async () => {
    const c = respClient(new URL(redis.url))
    try {
      expect(await within(5000, () => c.command(['PING']))).toBe('PONG')
      await redis.pause(500)
      const started = Date.now()
      expect(await c.command(['PING'])).toBe('PONG')
      expect(Date.now() - started).toBeGreaterThan(300)
    } finally {
      c.close()
    }
  })

  it('gives up a connection that answers nothing for seconds, and reconnects', async () => {
    const c = respClient(new URL(redis.url))
    try {
      expect(await within(5000, () => c.command(['PING']))).toBe('PONG')
      await redis.pause(11_000) // a frozen server keeps its connection: commands sent to it piled up for good
      const started = Date.now()
      await expect(c.command(['PING'])).rejects.toThrow()
      expect(Date.now() - started).toBeLessThan(10_500)
      expect(await within(10_000, () => c.command(['PING']))).toBe('PONG')
    } finally {
      c.close()
    }
  }, 30_000)

  it('fails fast when nothing listens, and after close', async () => {
    const dead = respClient(new URL('redis://127.0.0.1:1'))
    await expect(dead.command(['PING'])).rejects.toThrow()
    dead.close()
    await expect(dead.command(['PING'])).rejects.toThrow(/closed/)
  })
})
