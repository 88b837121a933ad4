// Builds the widget two ways from one entry: `dist/assent.js` (IIFE, for a plain <script>;
// the API serves this exact file at /sdk/assent.js) and `dist/assent.mjs` (ESM).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    target: 'es2020',
    sourcemap: true,
    lib: {
      entry: 'src/embed.ts',
      name: 'AssentSDK',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'iife' ? 'assent.js' : 'assent.mjs'),
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
