import { defineConfig } from 'vitest/config';

// Browser tests: real Chromium against the real stage (API + portal + demo shop).
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    hookTimeout: 120_000,
    testTimeout: 120_000,
    fileParallelism: false,
  },
});
