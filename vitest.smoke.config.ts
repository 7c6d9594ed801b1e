import { defineConfig } from 'vitest/config'

// The embedded-default smoke test: runs `npm start` itself, so it owns ports 8080–8084.
export default defineConfig({
  test: { include: ['deploy/**/*.smoke.test.ts'], testTimeout: 120_000, fileParallelism: false },
})
