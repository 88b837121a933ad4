// The size budget, checked in CI (`pnpm --filter @assent/sdk size`): min+gzip bytes of the
// script-tag build (JS + its inlined CSS, UI, zh-CN + en) and of the headless core, bundled
// and minified here from src/core.ts. Exits 1 when either is over. 1 KB = 1024 bytes, as
// size-limit counts. Run `pnpm build` first.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const KB = 1024;
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const gz = (code) => gzipSync(code, { level: 9 }).length;

async function headlessCore() {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2020',
      lib: { entry: here('../src/core.ts'), formats: ['es'], fileName: 'core' },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  return outputs
    .flatMap((o) => o.output)
    .map((c) => ('code' in c ? c.code : ''))
    .join('');
}

const checks = [
  {
    name: 'dist/assent.js (script tag: UI, CSS, zh-CN + en)',
    bytes: gz(readFileSync(here('../dist/assent.js'))),
    limit: 15 * KB,
  },
  { name: 'headless core (src/core.ts, minified)', bytes: gz(await headlessCore()), limit: 5 * KB },
];
let failed = false;
for (const c of checks) {
  const ok = c.bytes <= c.limit;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${c.name}: ${c.bytes} B min+gzip (limit ${c.limit} B)`);
}
process.exit(failed ? 1 : 0);
