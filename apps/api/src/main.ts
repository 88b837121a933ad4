// The API process on its own (production or a separate deployment). For the whole local stage
// (API + portal + demo shop) run `pnpm start` at the repository root.
import { loadConfig } from './env.ts';
import { startApi } from './server.ts';

const config = loadConfig();
const api = await startApi(config);
console.log(`Assent API on ${api.url} (${api.databaseKind})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void api.close().then(() => process.exit(0)));
}
