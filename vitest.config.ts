import { defineConfig } from 'vitest/config'

// Tiers run as separate projects so `npm test` can report each one (scripts/test.mjs).
export default defineConfig({
  test: {
    // Engine and worker tests spawn processes and train tiny models: keep them in forks, 2 at once.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['test/**/*.test.ts'],
    // A software WebGPU adapter (SwiftShader) where the machine has no Vulkan driver of its own.
    globalSetup: ['scripts/software-vulkan.mjs'],
    exclude: ['test/bench/**', 'node_modules/**'],
  },
})
