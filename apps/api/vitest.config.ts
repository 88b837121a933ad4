import { defineConfig } from 'vitest/config';

// Each test file starts its own database (PGlite in memory, or a fresh Postgres database).
export default defineConfig({ test: { hookTimeout: 60_000, testTimeout: 30_000 } });
