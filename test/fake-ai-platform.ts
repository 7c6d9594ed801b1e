import { afterAll, beforeAll } from 'vitest'
import { type FakeAi, startFakeAi } from './fake-ai'
import { type PlatformHarness, platformHarness } from './platform-harness'

/**
 * For one test file: the gateway, auth, credit and the AI role as separate servers, with providers faked on
 * loopback (`aiEnv` points the AI role at them); started before the file's tests, closed after them.
 */
export function fakeAiPlatform(aiEnv: (fake: FakeAi) => Record<string, string>) {
  const t = {} as { fake: FakeAi; p: PlatformHarness }
  beforeAll(async () => {
    t.fake = await startFakeAi()
    t.p = await platformHarness({
      backendEnv: { RATE_LIMIT_AI: '10000/60' },
      aiEnv: aiEnv(t.fake),
    })
  })
  afterAll(async () => {
    await t.p?.close()
    await t.fake?.close()
  })
  return t
}
