import { defineConfig } from 'vitest/config'

// Tests that run `npm start` themselves (embedded defaults, the browser tests): each owns ports 8080–8084,
// so files run one after another.
export default defineConfig({
  test: {
    include: ['deploy/**/*.smoke.test.ts', 'web/**/*.smoke.test.ts'],
    testTimeout: 120_000,
    fileParallelism: false,
  },
})
