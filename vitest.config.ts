import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'functions/**/*.test.ts', 'deploy/**/*.test.ts', 'web/src/**/*.test.ts'],
    // smoke: `npm run test:smoke`; topology (needs root): `npm run test:topology`
    exclude: ['**/node_modules/**', '**/*.smoke.test.ts', 'deploy/topology.test.ts'],
    globalSetup: ['test/test-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
