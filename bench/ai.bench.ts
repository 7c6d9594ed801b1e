import { afterAll, bench, describe } from 'vitest'
import { startFakeAi } from '../test/fake-ai'
import { platformHarness } from '../test/platform-harness'
import { servicesAs } from '../test/service-identity'
import { testDatabase } from '../test/testing'
import { must } from '../test/must'

// A cache hit vs a provider call, through the gateway and the AI role, on loopback (fake OpenAI-format
// provider answering at once, so the difference is our own work: cache lookup vs provider round trip,
// answer validation and cache write). Each role logs in to PostgreSQL as its own role, as in production
// (a superuser login wraps every statement in begin, set role, commit). The AI role is called as the
// backend calls it (keep-alive pool, service token); the gateway as a browser does (fetch).
const fake = await startFakeAi()
const database = await testDatabase()
const login = (role: string) => ({
  DATABASE_URL: Object.assign(new URL(database.url), { username: `lingudesk_${role}` }).href,
})
const p = await platformHarness({
  database,
  authEnv: login('auth'),
  backendEnv: { RATE_LIMIT_AI: '1000000/60', ...login('backend') },
  aiEnv: { DEEPSEEK_API_KEY: 'k', DEEPSEEK_BASE_URL: fake.openAiUrl, ...login('ai') },
  creditEnv: { GRANT_FREE: '1000000000', ...login('credit') },
})
const b = p.browser()
await b.register()
const body = { text: 'Haus', from: 'de', to: 'en' }
await b.call('POST', '/api/ai/translate', { body })
const backend = servicesAs('backend', p.env, { ai: must(p.ai).url })
afterAll(async () => {
  await p.close()
  await fake.close()
})

const direct = async (extra: object) => {
  const res = await backend.call('ai', '/ai/translate', {
    method: 'POST',
    body: { ...body, ...extra },
    authorization: `Bearer ${b.token}`,
    headers: { 'x-ai-provider': 'deepseek' },
  })
  await res.arrayBuffer()
}

describe('AI translate at the AI role (no gateway, no credits)', () => {
  const opts = { iterations: 1000, warmupIterations: 100, time: 0 }
  bench('cache hit', () => direct({}), opts)
  bench('provider call (refresh)', () => direct({ refresh: true }), opts)
})

describe('AI translate through the gateway (token, limit, hold and settle)', () => {
  const opts = { iterations: 500, warmupIterations: 50, time: 0 }
  bench('cache hit', async () => void (await b.call('POST', '/api/ai/translate', { body })), opts)
  bench(
    'provider call (refresh)',
    async () =>
      void (await b.call('POST', '/api/ai/translate', { body: { ...body, refresh: true } })),
    opts,
  )
})
