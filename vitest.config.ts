import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'functions/**/*.test.ts', 'deploy/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.smoke.test.ts'],
    globalSetup: ['test/test-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
