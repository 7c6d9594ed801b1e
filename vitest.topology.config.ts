import { defineConfig } from 'vitest/config'

// The design's network as Linux namespaces: needs root (ip netns), so it is not part of `npm test`.
export default defineConfig({
  test: { include: ['deploy/topology.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
})
