// Vite build of the portal SPA: served by the API under /portal/, JSX through Vite's own oxc
// transform (no preset plugin), and vitest for the pure modules beside the source.
import { defineConfig } from 'vitest/config';

const api = 'http://localhost:4000';

export default defineConfig({
  base: '/portal/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', sourcemap: true, modulePreload: { polyfill: false } },
  // `vite` dev server: the API answers /portal/api and the dev mailbox.
  server: { proxy: { '/portal/api': api, '/dev': api } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
