// `pnpm start`: the whole local stage on the embedded default (or DATABASE_URL), URLs printed.
import { startStage } from './stage.ts';

const stage = await startStage(process.env, (line) => {
  if (process.env.ASSENT_LOG_REQUESTS === '1' || !/^(GET|POST|OPTIONS) /.test(line))
    console.log(line);
});
console.log(`
Assent is running (${stage.databaseKind === 'pglite' ? 'embedded PGlite' : 'Postgres'}):
  Demo shop     ${stage.demoUrl}
  Portal        ${stage.portalUrl}
  Dev mailbox   ${stage.mailboxUrl}
  Data provider ${stage.dataProviderUrl ?? 'not registered (no demo property)'}
  API           ${stage.apiUrl}/openapi.json
  API reference ${stage.apiUrl}/docs
`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stage.close().then(() => process.exit(0)));
}
