import { describe, expect, it } from 'vitest'
import { fakeAiPlatform } from '../../test/fake-ai-platform'
import { servicesAs } from '../../test/service-identity'
import { must } from '../../test/must'
import { sha256Hex } from '../../lib/crypto'

const t = fakeAiPlatform((fake) => ({ DEEPSEEK_API_KEY: 'k', DEEPSEEK_BASE_URL: fake.openAiUrl }))

let n = 0
const learner = async () => {
  const b = t.p.browser()
  await b.register()
  const id = (await b.call('GET', '/api/whoami')).body.id as string
  const body = { text: `Baum ${++n}`, from: 'de', to: 'en' }
  const translate = (headers: Record<string, string> = {}) =>
    b.call('POST', '/api/ai/translate', { body, headers })
  return { b, id, body, translate }
}
const rows = async (sql: string, id: string) => (await t.p.db.owner.query(sql, [id])).length

describe('a free cache hit through the gateway', () => {
  it('holds, settles and stores nothing, and is the AI role’s own answer', async () => {
    const { b, id, body, translate } = await learner()
    const first = await translate({ 'idempotency-key': 'made-it-0001' })
    expect([first.status, first.body.cached]).toEqual([200, false])
    const balance = (await b.call('GET', '/api/credits/balance')).body
    const before = {
      holds: await rows(`select 1 from credit.holds where user_id = $1`, id),
      keys: await rows(`select 1 from credit.idempotency_keys where user_id = $1`, id),
    }
    expect(before).toEqual({ holds: 1, keys: 1 })

    const hit = await translate({ 'idempotency-key': 'free-hit-0001' })
    expect([hit.status, hit.body.cached, hit.headers.get('x-cost-micros')]).toEqual([
      200,
      true,
      '0',
    ])
    expect(await rows(`select 1 from credit.holds where user_id = $1`, id)).toBe(before.holds)
    expect(await rows(`select 1 from credit.idempotency_keys where user_id = $1`, id)).toBe(
      before.keys,
    )
    expect((await b.call('GET', '/api/credits/balance')).body).toEqual(balance)

    const direct = await servicesAs('backend', t.p.env, { ai: must(t.p.ai).url }).call(
      'ai',
      '/ai/translate',
      {
        method: 'POST',
        body,
        authorization: `Bearer ${b.token}`,
        headers: { 'x-ai-provider': 'deepseek' },
      },
    )
    expect(direct.headers.get('x-cost-micros')).toBe('0')
    expect(await direct.json()).toEqual(hit.body)
  })

  it('is counted and logged after its answer: 20 at once, each a line, the count 20', async () => {
    const { id, body, translate } = await learner()
    await translate()
    const hits = await Promise.all(Array.from({ length: 20 }, () => translate()))
    expect(hits.map((h) => h.body.cached)).toEqual(Array(20).fill(true))
    const logged = () =>
      t.p.db.owner.query<{ cached: boolean; n: string }>(
        `select cache_hit as cached, count(*)::text as n from ai.requests where user_id = $1 group by 1 order by 1`,
        [id],
      )
    await expect.poll(logged).toEqual([
      { cached: false, n: '1' },
      { cached: true, n: '20' },
    ])
    // The cache key as the AI role makes it: this learner's own (functions/ai/_lib/operation.ts).
    const key = await sha256Hex(
      JSON.stringify([id, 'translate', 'deepseek', hits[0].body.model, body]),
    )
    const counted = await t.p.db.owner.query(`select hits from ai.cache where key = $1`, [key])
    expect(counted).toEqual([{ hits: '20' }])
  })
})
