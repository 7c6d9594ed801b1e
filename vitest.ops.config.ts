import { defineConfig } from 'vitest/config'

// Tests that need root to build and run images (buildah, debootstrap, podman): `npm run test:ops`, which
// .ci/run runs after the suite. `npm test` never needs root. Files run one after another (they are heavy).
export default defineConfig({
  test: {
    include: ['deploy/**/*.ops.test.ts'],
    globalSetup: ['test/test-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 3_000_000, // building the images from scratch: debootstrap and six images on vfs
    fileParallelism: false,
  },
})
