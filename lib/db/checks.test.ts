import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OAUTH_PROVIDERS } from '../auth/providers'
import { loadConfig } from '../config'
import { CARD_TEXT_MAX } from '../content/limits'
import { type TestDatabase, testDatabase } from '../../test/testing'
import { serviceKeyEnv } from '../service-keys'

// Rules the code and the database both enforce: one drives the other, and this test holds them together.
let t: TestDatabase
beforeAll(async () => {
  t = await testDatabase()
})
afterAll(() => t.close())

const checksOf = async (table: string) => {
  const rows = await t.owner.query<{ def: string }>(
    `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = $1::regclass and contype = 'c'`,
    [table],
  )
  return rows.map((r) => r.def)
}
const keys = await serviceKeyEnv()
const backend = (env: Record<string, string>) =>
  loadConfig('backend', {
    ...keys,
    DATABASE_URL: 'postgres://x@127.0.0.1/x',
    REDIS_URL: 'memory://x',
    ...env,
  })

describe('config and database agree', () => {
  it('on the longest card texts: the CHECKs are CARD_TEXT_MAX, and config cannot go above them', async () => {
    const checks = (await checksOf('content.cards')).join('\n')
    for (const [field, max] of Object.entries(CARD_TEXT_MAX))
      expect(checks).toMatch(
        new RegExp(
          `length\\(${field}\\) (<= ${max}|>= 1\\) AND \\(length\\(${field}\\) <= ${max})`,
        ),
      )
    expect(backend({}).CONTENT_MAX_FRONT_CHARS).toBe(CARD_TEXT_MAX.front)
    for (const [key, max] of [
      ['FRONT', CARD_TEXT_MAX.front],
      ['BACK', CARD_TEXT_MAX.back],
      ['NOTES', CARD_TEXT_MAX.notes],
    ] as const) {
      expect(() => backend({ [`CONTENT_MAX_${key}_CHARS`]: String(max + 1) })).toThrow(
        `CONTENT_MAX_${key}_CHARS`,
      )
      expect(
        backend({ [`CONTENT_MAX_${key}_CHARS`]: String(max - 1) })[`CONTENT_MAX_${key}_CHARS`],
      ).toBe(max - 1)
    }
  })

  it('on the OAuth providers', async () => {
    const [check] = await checksOf('auth.oauth_identities')
    expect([...check.matchAll(/'(\w+)'::text/g)].map((m) => m[1]).sort()).toEqual(
      [...OAUTH_PROVIDERS].sort(),
    )
  })
})
