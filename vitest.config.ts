import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

const shared = { globalSetup: ['test/test-setup.ts'], testTimeout: 30_000, hookTimeout: 60_000 }

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'node',
          include: [
            'lib/**/*.test.ts',
            'functions/**/*.test.ts',
            'deploy/**/*.test.ts',
            'web/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          // smoke: `npm run test:smoke`; needing root: `npm run test:topology`, `npm run test:ops`
          exclude: [
            '**/node_modules/**',
            '**/*.smoke.test.ts',
            '**/*.dom.test.ts',
            'deploy/topology.test.ts',
            '**/*.ops.test.ts',
          ],
        },
      },
      {
        // SPA components rendered in happy-dom against the real roles (started by each test file, in Node).
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          ...shared,
          name: 'dom',
          include: ['web/src/**/*.dom.test.ts'],
          environment: 'happy-dom',
        },
      },
    ],
  },
})
