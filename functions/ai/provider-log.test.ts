import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeAi, startFakeAi } from '../../test/fake-ai'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

// The AI role as its own process, its provider (OpenAI's wire format on loopback) refusing the key: the
// learner sees only "the provider failed", and the ai role's log says why.
let fake: FakeAi
let p: PlatformHarness
beforeAll(async () => {
  fake = await startFakeAi()
  p = await platformHarness({
    processes: true,
    aiEnv: { DEEPSEEK_API_KEY: 'sk-test-0123456789abcdef', DEEPSEEK_BASE_URL: fake.openAiUrl },
  })
}, 60_000)
afterAll(async () => {
  await p?.close()
  await fake?.close()
})

describe("a provider's failure", () => {
  it('reaches the log with its cause at error level, without the key', async () => {
    fake.state.mode = 'bad-key'
    const b = p.browser()
    await b.register()
    const res = await b.call('POST', '/api/ai/translate', {
      body: { text: 'Haus', from: 'de', to: 'en' },
    })
    expect(res.status).toBe(502)
    expect(JSON.stringify(res.body)).not.toContain('x-api-key')
    const { requestId } = res.body.error
    await expect
      .poll(() =>
        must(p.processes.ai).lines.find((l) => l.requestId === requestId && l.level === 'error'),
      )
      .toBeDefined()
    const logged = must(
      must(p.processes.ai).lines.find((l) => l.requestId === requestId && l.level === 'error'),
    )
    expect(logged).toMatchObject({ msg: 'request failed', code: 'UPSTREAM_FAILED', status: 502 })
    expect(String(logged.causes)).toContain('invalid x-api-key')
    expect(JSON.stringify(must(p.processes.ai).lines)).not.toContain('sk-test-0123456789abcdef')
  })
})
