import { afterAll, bench, describe } from 'vitest'
import { startFakeAi } from '../test/fake-ai'
import { platformHarness } from '../test/platform-harness'
import { must } from '../test/must'

// A cache hit vs a provider call, through the gateway and the AI role, on loopback (fake OpenAI-format
// provider answering at once, so the difference is our own work: cache lookup vs provider round trip,
// answer validation and cache write).
const fake = await startFakeAi()
const p = await platformHarness({
  backendEnv: { RATE_LIMIT_AI: '1000000/60' },
  aiEnv: { DEEPSEEK_API_KEY: 'k', DEEPSEEK_BASE_URL: fake.openAiUrl },
  creditEnv: { GRANT_FREE: '1000000000' },
})
const b = p.browser()
await b.register()
const body = { text: 'Haus', from: 'de', to: 'en' }
await b.call('POST', '/api/ai/translate', { body })
afterAll(async () => {
  await p.close()
  await fake.close()
})

const direct = async (extra: object) => {
  const res = await fetch(`${must(p.ai).url}/ai/translate`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${b.token}`,
      'content-type': 'application/json',
      'x-service-token': await p.serviceToken('ai'),
      'x-ai-provider': 'deepseek',
    },
    body: JSON.stringify({ ...body, ...extra }),
  })
  await res.arrayBuffer()
}

describe('AI translate at the AI role (no gateway, no credits)', () => {
  const opts = { iterations: 100, warmupIterations: 10, time: 0 }
  bench('cache hit', () => direct({}), opts)
  bench('provider call (refresh)', () => direct({ refresh: true }), opts)
})

describe('AI translate through the gateway (token, limit, hold and settle)', () => {
  const opts = { iterations: 50, warmupIterations: 5, time: 0 }
  bench('cache hit', async () => void (await b.call('POST', '/api/ai/translate', { body })), opts)
  bench(
    'provider call (refresh)',
    async () =>
      void (await b.call('POST', '/api/ai/translate', { body: { ...body, refresh: true } })),
    opts,
  )
})
